"""What the fault drills share: a small database with users, a server, verdicts."""
import html.parser
import sys

from sqlalchemy import create_engine, text

from benchmarks import databases

PASSWORD = "Fault-drill-password-2026!"
RESULTS = []


def fresh_database(engine, label):
    """Build a small database (the smoke-test world) with one user of each role."""
    from app import create_app
    from benchmarks.build import build
    from extensions import db

    url = databases.url_for(f"fault_{label}", engine)
    databases.create_empty(url)
    summary = build(url, "tiny")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    with app.app_context():
        from accounts.services import create_user

        synthetic = summary["synthetic"]
        create_user("admin", PASSWORD, "admin")
        create_user("analyst", PASSWORD, "analyst")
        create_user("inspector", PASSWORD, "inspector", facility_id=synthetic["facility_id"])
        create_user("owner", PASSWORD, "owner", enterprise_id=synthetic["enterprise_id"])
        db.session.commit()
        db.engine.dispose()
    return url, synthetic


def scalar(url, sql, **params):
    """Run one SQL query (text, or a select built on the models' rules) on a database and
    return its single value."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text(sql) if isinstance(sql, str) else sql, params)
    finally:
        engine.dispose()


def verdict(name, ok, evidence):
    """Print PASS or FAIL with the evidence; remember it for the exit code."""
    RESULTS.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}: {name}")
    for line in evidence:
        print(f"    {line}")
    sys.stdout.flush()
    return ok


def exit_code():
    return 0 if RESULTS and all(RESULTS) else 1


class FormReader(html.parser.HTMLParser):
    """Read the fields of every form of a page, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.forms, self.fields = [], None
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.fields = []
            self.forms.append((attrs.get("action") or "", self.fields))
        if self.fields is None:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select" and attrs.get("name"):
            self.select = [attrs["name"], None, None]
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select[2] is None:
                self.select[2] = value
            if "selected" in attrs:
                self.select[1] = value
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if self.fields is None:
            return
        if tag == "select" and self.select is not None:
            name, chosen, first = self.select
            self.fields.append((name, chosen if chosen is not None else (first or "")))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append((self.textarea[0], self.textarea[1].lstrip("\n")))
            self.textarea = None
        elif tag == "form":
            self.fields = None


def form_fields(page, containing):
    """Return the (name, value) pairs of the first form that has a field ``containing``."""
    reader = FormReader()
    reader.feed(page)
    for _action, fields in reader.forms:
        if any(name == containing for name, _value in fields):
            return fields
    return []
