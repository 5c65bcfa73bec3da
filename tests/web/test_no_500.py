"""No input makes a 500, and a refused request writes nothing: a property test over every route.

For each role (anonymous, administrator, national and regional analyst, inspector, owner,
probation officer) the test renders every page the role may open in the small world,
collects the forms on them, and then sends each route of the URL map (each of its methods) Hypothesis examples
(tests/web/hostile.py): explicit ones that put one kind of trouble in every input of its
kind (absurd dates, huge numbers, NaN, superscript digits, NUL, zero-width characters, long
Kazakh text) and drawn ones that make one, a few or all inputs hostile, with extra and
repeated keys, and route parameters that exist and ones that do not. Routes the role may
not use get one drawn request (the gate must answer it without a 500).

Every answer must be below 500, and an answer that is not a redirect (a refused form
re-rendered, a 4xx, a page) must leave the data as it was: every table but the audit log and
the login attempts, which are written on purpose, is compared before and after.

Runs on the suite's database (SQLite or PostgreSQL); examples are derandomized so that CI is
reproducible, and Hypothesis keeps no example database. HOSTILE_EXAMPLES=25 draws more
examples per route for a deeper run (minutes instead of about half a minute).
"""
import inspect
import os
import traceback
from hashlib import blake2b

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from extensions import db
from inmates.models import Supervision
from jobs import services as jobs
from tests import permissions
from tests.factories import PASSWORD
from tests.markup import problems_of

from . import hostile

ROLE_OF = {"admin": "admin", "analyst": "analyst", "analyst_kz71": "analyst",
           "inspector_a": "inspector", "owner_a": "owner", "probation_a": "probation_officer"}
# Route parameters of a role's own: a probation officer's person is a client of the service.
ROLE_PARAMS = {"probation_a": {"person_id": lambda world: db.session.get(
    Supervision, permissions.load()[1]["supervision_id"](world)).person_id}}
# Drawn examples per (route, method) for a role that may use it, besides the explicit ones.
ALLOWED_EXAMPLES = 2
# Routes a role may not use are refused by the gate before any input is read (the URL-map
# walk of tests/web/test_url_map.py checks each); one request each shows hostile input does not
# change that.
REFUSED_EXAMPLES = 1
UNWATCHED = {"audit_event", "login_attempt"}  # written on purpose, refusals included
# Answers that are pages, not redirects, after writing on purpose: the fill page places the
# accepted proposals and shows each one's outcome; a new API token's page shows its secret
# this once (a redirect would have to carry the secret in the session).
WRITING_PAGES = {("marketplace.fill", "POST"), ("accounts.token_new", "POST"),
                 ("accounts.user_tokens", "POST")}
SKIPPED_PAGES = {"static", "bootstrap.static", "reports.export_xlsx", "reports.export_csv",
                 "accounts.audit_csv", "inmates.import_template", "marketplace.wage_template"}
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", ALLOWED_EXAMPLES))  # more for a deep run


def data_snapshot():
    """Return a digest of every watched table's rows, by table."""
    jobs.finish_threads()  # a job accepted by an earlier request may still be writing
    tables = [t for t in db.metadata.sorted_tables if t.name not in UNWATCHED]
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # One round trip: the server hashes each table's rows in a stable order.
            query = " UNION ALL ".join(
                f"SELECT '{t.name}', md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), ''))"
                f' FROM "{t.name}" r' for t in tables)
            return dict(connection.execute(text(query)).all())
        digests = {}
        for table in tables:
            rows = sorted(repr(tuple(row)) for row in connection.execute(table.select()))
            digests[table.name] = blake2b("\n".join(rows).encode(), digest_size=16).digest()
        return digests


def _allowed(table, login):
    if table == "public":
        return True
    return login is not None and ROLE_OF[login] in table


def _identity(client):
    with client.session_transaction() as session:
        return session.get("_user_id")


class Walker:
    """Send one role's requests and collect the problems found."""

    def __init__(self, app, client, world, login):
        self.app, self.client, self.login = app, client, login
        self.routes, params = permissions.load()
        self.params = {**params, **ROLE_PARAMS.get(login, {})}
        self.world = world
        self.values = {}
        self.problems = {}
        self.adapter = app.url_map.bind("localhost")
        self.logins = 0

    def value(self, name):
        """Return an existing value for a route parameter (computed once)."""
        if name not in self.values:
            self.values[name] = self.params[name](self.world)
        return self.values[name]

    def sign_in(self):
        """Log in as the role, from a fresh address so no throttle of an earlier one applies."""
        if self.login is None:
            return
        self.logins += 1
        response = self.client.post("/login", data={"login": self.login, "password": PASSWORD},
                                    environ_base={"REMOTE_ADDR": f"10.9.{self.logins}.1"})
        assert response.status_code == 302, f"cannot log in as {self.login}"

    def keep_identity(self):
        """Stay the role: log in again after a logout, log out after an anonymous login."""
        signed_in = _identity(self.client) is not None
        if self.login is None and signed_in:
            self.client.delete_cookie("session")
        elif self.login is not None and not signed_in:
            self.sign_in()
            self.snapshot = data_snapshot()  # logging in writes the time of the login

    def pages(self):
        """Yield (endpoint, url, html) of every page the role may open, rendered with the
        world's values of its route parameters."""
        for rule in self.app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in SKIPPED_PAGES:
                continue
            if not _allowed(self.routes.get(rule.endpoint, ()), self.login):
                continue
            url = rule.build({name: self.value(name) for name in rule.arguments},
                             append_unknown=False)[1]
            response = self.client.get(url)
            self.keep_identity()
            if response.status_code == 200 and response.mimetype == "text/html":
                yield rule.endpoint, url, response.get_data(as_text=True)

    def crawl(self):
        """Render the role's pages; return their forms by (endpoint, method), link queries by
        endpoint."""
        forms, queries = {}, {}
        for _endpoint, url, html in self.pages():
            page_forms, page_queries = hostile.parse_page(url, html)
            for form in page_forms:
                endpoint = self.endpoint_of(form.action, form.method)
                if endpoint is None:
                    continue
                merged = forms.setdefault((endpoint, form.method), {})
                for name, found in form.inputs.items():
                    into = merged.setdefault(name, hostile.Input(name, found.kind))
                    into.values += [v for v in found.values if v not in into.values]
            for path, names in page_queries.items():
                endpoint = self.endpoint_of(path, "GET")
                if endpoint is not None:
                    queries.setdefault(endpoint, set()).update(names)
        return forms, queries

    def endpoint_of(self, url, method):
        """Return the endpoint a form's action or a link goes to, or None."""
        try:
            return self.adapter.match(hostile.urlsplit(url).path, method=method)[0]
        except (HTTPException, RequestRedirect):
            return None

    def targets(self, forms, queries):
        """Return (rule, method, inputs, extra names, examples) for every route and method."""
        found = []
        for rule in self.app.url_map.iter_rules():
            table = self.routes.get(rule.endpoint)
            if table is None:
                continue  # reported by tests/web/test_url_map.py
            for method in sorted({"GET", "POST"} & rule.methods):
                inputs = forms.get((rule.endpoint, method), {})
                extra = self.read_by(rule.endpoint, method) | {
                    (name, "any") for name in queries.get(rule.endpoint, ())} | {
                    (name, "any") for name in hostile.EXTRA_KEYS}
                allowed = _allowed(table, self.login)
                examples = EXAMPLES if allowed else REFUSED_EXAMPLES
                found.append((rule, method, inputs, sorted(extra), examples, allowed))
        # Logging out last: the role stays signed in for everything else.
        return sorted(found, key=lambda t: (t[0].endpoint == "accounts.logout", t[0].rule, t[1]))

    def read_by(self, endpoint, method):
        """Return (name, kind) of the arguments the view's module reads without a form."""
        view = inspect.unwrap(self.app.view_functions[endpoint])
        try:
            module_file = inspect.getsourcefile(view)
        except TypeError:
            return set()
        if not module_file.startswith(str(hostile.ROOT)) or ".venv" in module_file:
            return set()
        wanted = {"args", "values"} if method == "GET" else {"form", "values", "args"}
        return {(name, kind) for name, where, kind in hostile.source_names(module_file)
                if where in wanted}

    def param(self, rule, name):
        """Return a strategy of a route parameter: the world's value or one that exists nowhere."""
        converter = type(rule._converters[name]).__name__
        try:
            existing = self.value(name)
        except (KeyError, IndexError):
            existing = None
        strange = hostile.HUGE_IDS if "Integer" in converter or "Id" in converter \
            else hostile.PATH_VALUES
        if existing is None:
            return st.sampled_from(strange)
        # Mostly the world's row, so the request reaches the view's form.
        return st.integers(0, 3).flatmap(
            lambda pick: st.sampled_from(strange) if pick == 3 else st.just(existing))

    def check(self, rule, method, inputs, extra, examples, explicit=True):
        """Send one target its explicit examples (one kind of value in every input of its
        kind) and ``examples`` drawn ones; record problems."""
        files = sorted(name for name, found in inputs.items() if found.kind == "file")
        names = {name: self.param(rule, name) for name in rule.arguments}

        @st.composite
        def requests(draw):
            url_values = {name: draw(strategy) for name, strategy in names.items()}
            pairs = draw(hostile.submission(inputs, extra, PASSWORD, query=method == "GET"))
            uploads = [(name, draw(hostile.upload())) for name in files]
            return url_values, pairs, uploads

        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(request=requests())
        def run(request):
            url_values, pairs, uploads = request
            url = rule.build(url_values, append_unknown=False)[1]
            kwargs = {}
            if method == "GET":
                url = f"{url}?{hostile.encode_pairs(pairs)}" if pairs else url
            elif files:
                kwargs["data"] = MultiDict(hostile.multipart(pairs, uploads))
            else:
                kwargs["data"] = hostile.encode_pairs(pairs)
                kwargs["content_type"] = "application/x-www-form-urlencoded"
            self.send(rule, method, url, pairs, kwargs)

        if explicit:
            url_values = {name: self.value(name) for name in rule.arguments
                          if self.has_value(name)}
            if len(url_values) == len(rule.arguments):
                uploads = [(name, ("people.csv", "Фамилия;Имя\nӘлиев;Қайрат\n".encode()))
                           for name in files]
                for pairs in hostile.explicit_submissions(inputs, extra, PASSWORD):
                    run = example(request=(url_values, pairs, uploads))(run)
        run()

    def has_value(self, name):
        """Say whether the world has a value for a route parameter."""
        try:
            self.value(name)
        except (KeyError, IndexError, AttributeError):
            return False
        return True

    def send(self, rule, method, url, pairs, kwargs):
        """Send one request and judge its answer."""
        before = self.snapshot
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:  # TESTING propagates what would have been a 500
            self.problem(rule, method, f"exception {type(error).__name__}: {_where(error)}",
                         url, pairs)
            self.snapshot = data_snapshot()
            self.keep_identity()
            return
        status = response.status_code
        self.snapshot = data_snapshot()
        if status >= 500:
            self.problem(rule, method, f"answered {status}", url, pairs)
        elif not 300 <= status < 400 and self.snapshot != before and (
                rule.endpoint, method) not in WRITING_PAGES:
            changed = sorted(name for name in before if before[name] != self.snapshot[name])
            self.problem(rule, method, f"answered {status} but changed {changed}", url, pairs)
        if status < 500 and not 300 <= status < 400 and response.mimetype == "text/html":
            # A refused form comes back with its messages: each next to the field it names.
            for found in problems_of(response.get_data(as_text=True)):
                self.problem(rule, method, f"markup, {found}", url, pairs)
        self.keep_identity()

    def problem(self, rule, method, what, url, pairs):
        """Record the first example of each kind of problem of a route."""
        key = (rule.endpoint, method, what.split(":")[0])
        self.problems.setdefault(key, f"{method} {url[:200]} ({rule.endpoint}) as "
                                      f"{self.login or 'anonymous'}: {what}; "
                                      f"sent {repr(pairs)[:400]}")

    def walk(self):
        """Check every target; return the problems found."""
        self.sign_in()
        for name in self.params:  # some create their row on first use: before the snapshot
            try:
                self.value(name)
            except (KeyError, IndexError, AttributeError):
                pass
        forms, queries = self.crawl()
        self.snapshot = data_snapshot()
        for target in self.targets(forms, queries):
            self.check(*target)
        return sorted(self.problems.values())


def _where(error):
    """Return the project's innermost frame of an exception, as file:line function."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if str(hostile.ROOT) in f.filename and ".venv" not in f.filename
              and "/tests/" not in f.filename]
    frame = frames[-1] if frames else traceback.extract_tb(error.__traceback__)[-1]
    return f"{frame.filename.replace(str(hostile.ROOT) + '/', '')}:{frame.lineno} {frame.name}"


@pytest.mark.parametrize("login", [None, *ROLE_OF])
def test_no_input_makes_a_500_or_a_half_write(app, client, world, login):
    problems = Walker(app, client, world, login).walk()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
