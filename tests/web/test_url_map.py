"""Walk the whole URL map as anonymous and as each role, against tests/permissions.

Deny by default: every registered route must be in the table; a role the table does not
allow gets 403 or 404 and a "deny" audit event; anonymous users are sent to the login page
(GET) or get 401 (other methods); an allowed role is never refused; nobody gets a 5xx.
"""
import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent
from accounts.permissions import TOKEN_BLUEPRINTS, access_of
from accounts.services import find_user
from accounts.tokens import create_token
from extensions import db
from tests import permissions
from tests.factories import PASSWORD

ROLE_OF = {"admin": "admin", "analyst": "analyst", "inspector_a": "inspector", "owner_a": "owner",
           "probation_a": "probation_officer"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _requests(app):
    """Return (endpoint, rule, method) for every rule: GET when it has one, else its method.

    GET requests come first and logout last, so state-changing POSTs made with empty data
    disturb the walk as little as possible.
    """
    found = []
    for rule in app.url_map.iter_rules():
        methods = set(rule.methods) - IGNORED_METHODS
        method = "GET" if "GET" in methods else sorted(methods)[0]
        found.append((rule.endpoint, rule, method))
    return sorted(found, key=lambda item: (item[0] == "accounts.logout", item[2] != "GET",
                                           item[0], item[1].rule))


def _url(rule, params, world):
    missing = [name for name in rule.arguments if name not in params]
    if missing:
        raise AssertionError(f"{rule.endpoint}: no PARAMS for {missing} in tests/permissions")
    values = {name: params[name](world) for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def _deny_events():
    db.session.expire_all()
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "deny"))


def test_every_route_is_in_the_permission_table(app):
    routes, _params = permissions.load()
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - set(routes))
    assert not missing, f"routes missing from tests/permissions/<package>.py: {missing}"


def test_every_route_declares_the_access_its_table_row_says(app):
    routes, _params = permissions.load()
    wrong = []
    for endpoint in sorted({rule.endpoint for rule in app.url_map.iter_rules()} & set(routes)):
        expected = routes[endpoint]
        expected = "public" if expected == "public" else frozenset(expected)
        declared = access_of(endpoint)
        if declared != expected:
            wrong.append(f"{endpoint}: view says {declared}, table says {expected}")
    assert not wrong, "\n".join(wrong)


def _is_login_redirect(response):
    return response.status_code in (301, 302, 303, 307, 308) and \
        response.headers.get("Location", "").split("?")[0].endswith("/login")


def _check(identity, allowed, public, method, response, denied_audited, token_call=False):
    """Return a problem description, or None when the answer fits the table."""
    status = response.status_code
    if status >= 500:
        return f"{status} (server error)"
    if public:
        return None
    if identity is None and token_call:
        # The API knows its callers by token only: no login page, a problem+json 401.
        if status != 401 or response.mimetype != "application/problem+json":
            return f"{status} {response.mimetype} for an anonymous API call, expected a 401 problem"
        return None
    if identity is None:
        if method == "GET" and not _is_login_redirect(response):
            return f"{status} for anonymous GET, expected a redirect to the login page"
        if method != "GET" and status != 401:
            return f"{status} for anonymous {method}, expected 401"
        return None
    if allowed:
        # A POST may end at the login page (logout does); a GET sent there was refused.
        if status in (401, 403) or (method == "GET" and _is_login_redirect(response)):
            return f"{status} for an allowed role"
        return None
    if status not in (403, 404):
        return f"{status} for a role not allowed, expected 403 or 404"
    if not denied_audited:
        return "refused without a 'deny' audit event"
    return None


@pytest.mark.parametrize("identity", [None, *ROLE_OF])
def test_walk_the_url_map(app, client, world, identity):
    routes, params = permissions.load()
    headers = {}
    if identity:
        response = client.post("/login", data={"login": identity, "password": PASSWORD})
        assert response.status_code == 302, f"cannot log in as {identity}"
        _token, secret = create_token(find_user(identity), "walk")
        db.session.commit()
        headers = {"Authorization": f"Bearer {secret}"}
    problems = []
    for endpoint, rule, method in _requests(app):
        if endpoint not in routes:
            continue  # reported by test_every_route_is_in_the_permission_table
        table = routes[endpoint]
        public = table == "public"
        allowed = public or (identity is not None and ROLE_OF[identity] in table)
        url = _url(rule, params, world)
        token_call = endpoint.split(".")[0] in TOKEN_BLUEPRINTS
        before = _deny_events()
        response = client.open(url, method=method, data={} if method != "GET" else None,
                               headers=headers if token_call else None)
        problem = _check(identity, allowed, public, method, response, _deny_events() > before,
                         token_call)
        if problem:
            problems.append(f"{method} {url} ({endpoint}) as {identity or 'anonymous'}: {problem}")
    assert not problems, "\n".join(problems)
