"""A small HTTP client for the load run and the fault drills: cookies, CSRF, timings."""
import http.client
import re
import time
import uuid
from urllib.parse import urlencode, urlsplit

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class Browser:
    """One user's session against one server; every request on a fresh connection.

    gunicorn's sync workers close the connection after each response anyway.
    """

    def __init__(self, base, timeout=30):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.timeout = timeout
        self.cookies = {}
        self.csrf = None

    def request(self, method, path, data=None, body=None, content_type=None):
        """Send one request; return (status, body text, headers, seconds)."""
        headers = {"Accept-Language": "ru"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if data is not None:
            body = urlencode(data)
            content_type = "application/x-www-form-urlencoded"
        if content_type:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "expires=Thu, 01 Jan 1970" in value or not cookie_value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = cookie_value
        text = payload.decode("utf-8", errors="replace")
        return response.status, text, dict(response.getheaders()), elapsed

    def get(self, path):
        status, text, headers, elapsed = self.request("GET", path)
        self.remember_csrf(text)
        return status, text, headers, elapsed

    def post(self, path, data):
        """POST a form: a dict (the CSRF token is added) or (name, value) pairs as read."""
        if isinstance(data, dict):
            data = dict(data, csrf_token=self.csrf or "")
        return self.request("POST", path, data)

    def upload(self, path, fields, field_name, filename, content):
        """POST a multipart form with one file and the CSRF token."""
        boundary = "----bench" + uuid.uuid4().hex
        parts = []
        for name, value in dict(fields, csrf_token=self.csrf or "").items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                         f"\r\n\r\n{value}\r\n".encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream'
                     "\r\n\r\n".encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, body=b"".join(parts),
                            content_type=f"multipart/form-data; boundary={boundary}")

    def remember_csrf(self, text):
        """Keep the CSRF token of the last page that carried one."""
        found = CSRF.search(text)
        if found:
            self.csrf = found.group(1) or found.group(2)

    def login(self, login, password):
        """Log in through the real form (GET for the CSRF token, then POST); return success."""
        self.get("/login")
        status, _text, headers, _elapsed = self.post("/login", {"login": login,
                                                                "password": password})
        return status in (302, 303) and "/login" not in headers.get("Location", "/login")
