"""Where the site sends a user back to: a path of this site that answers a GET."""
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect


def safe_next(target):
    """Return ``target`` if it is a page of this site (a path that answers a GET), else the
    home page: a login's ``?next=`` or the language switch's return address. A POST-only
    address (a form's action, such as a refused placement end) would answer 405."""
    if not target or not isinstance(target, str):
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return url_for("home.index")
    try:
        current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except RequestRedirect:
        return target  # the page answers at its canonical address
    except HTTPException:
        return url_for("home.index")
    return target


def this_page():
    """Return the address of the page being shown, to come back to after switching language:
    the request's own for a GET; for a page sent back by a POST (a form refused and shown
    again), the page that form was on, when the browser says and it is one of ours."""
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return url_for("home.index")
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
