"""Nobody sees another facility's or business's people: out-of-scope rows answer 404 and audit.

Checked twice: through the permission API (get_or_404, scoped) inside a request logged in as
the user, and through every registered page that names such a row in its URL.
"""
import pytest
from flask import url_for
from flask_login import login_user
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from accounts import permissions
from accounts.models import AuditEvent, User
from accounts.tokens import create_token
from enterprises.models import Enterprise, ProductionLine
from extensions import db
from facilities.models import Facility, Lease
from inmates.models import Person, Skill, Stay
from marketplace.models import Placement
from tests import factories
from tests.factories import PASSWORD


@pytest.fixture
def placed(world):
    """Each business employs the person of its own facility."""
    world.placement_a = factories.placement(world.person_a, world.line_a)
    world.placement_b = factories.placement(world.person_b, world.line_b)
    db.session.commit()
    return world


def _deny_events():
    db.session.expire_all()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "deny")).all()


def _as(app, user):
    context = app.test_request_context()
    context.push()
    login_user(user)
    return context


# (login, model, attribute of the world) that the user must not reach.
OUT_OF_SCOPE = [
    ("inspector_a", Person, "person_b"),
    ("inspector_a", ProductionLine, "line_b"),
    ("inspector_a", Lease, "lease_b"),
    ("inspector_a", Placement, "placement_b"),
    ("owner_a", ProductionLine, "line_b"),
    ("owner_a", Lease, "lease_b"),
    ("owner_a", Enterprise, "sme_b"),
    ("owner_a", Person, "person_b"),
    ("owner_a", Placement, "placement_b"),
    ("analyst", Person, "person_a"),
    ("analyst_kz71", Facility, "facility_b"),
    ("inspector_a", User, "users"),
]


@pytest.mark.parametrize("login, model, name", OUT_OF_SCOPE)
def test_get_or_404_refuses_and_audits_another_scope(app, placed, login, model, name):
    user = db.session.scalars(select(User).where(User.login == login)).one()
    target = placed.users.owner_b if name == "users" else getattr(placed, name)
    target_id = target.id
    context = _as(app, user)
    try:
        with pytest.raises(NotFound):
            permissions.get_or_404(model, target_id)
        assert target_id not in db.session.scalars(
            permissions.scoped(model).with_only_columns(model.id)).all()
        assert not permissions.can_see(db.session.get(model, target_id))
    finally:
        context.pop()
    events = _deny_events()
    assert [(e.login, e.entity, e.entity_id, e.outcome) for e in events] == [
        (login, model.__tablename__, str(target_id), "out_of_scope")]


@pytest.mark.parametrize("login, model, name", [
    ("inspector_a", Person, "person_a"), ("inspector_a", ProductionLine, "line_a"),
    ("owner_a", ProductionLine, "line_a"), ("owner_a", Lease, "lease_a"),
    ("owner_a", Person, "person_a"), ("admin", Person, "person_b"),
    ("analyst", ProductionLine, "line_b"), ("inspector_a", Facility, "facility_b")])
def test_get_or_404_gives_rows_in_scope(app, placed, login, model, name):
    user = db.session.scalars(select(User).where(User.login == login)).one()
    target_id = getattr(placed, name).id
    context = _as(app, user)
    try:
        assert permissions.get_or_404(model, target_id).id == target_id
    finally:
        context.pop()
    assert _deny_events() == []


def test_scoped_lists_only_the_users_rows(app, placed):
    context = _as(app, placed.users.inspector_a)
    try:
        people = db.session.scalars(permissions.scoped(Person)).all()
        skills = db.session.scalars(permissions.scoped(Skill)).all()
        stays = db.session.scalars(permissions.scoped(Stay)).all()
    finally:
        context.pop()
    assert [p.id for p in people] == [placed.person_a.id]
    assert {s.person_id for s in skills} == {s.person_id for s in stays} == {placed.person_a.id}
    context = _as(app, placed.users.owner_a)
    try:
        lines = db.session.scalars(permissions.scoped(ProductionLine)).all()
        workers = db.session.scalars(permissions.scoped(Person)).all()
        audit = db.session.scalars(permissions.scoped(AuditEvent)).all()
    finally:
        context.pop()
    assert [line.id for line in lines] == [placed.line_a.id]
    assert [p.id for p in workers] == [placed.person_a.id]
    assert audit == []


@pytest.mark.parametrize("ident", ["abc", None, "", "1.5", 2**40, -1, 0, True, "9" * 30])
def test_get_or_404_survives_any_identifier(app, placed, ident):
    context = _as(app, placed.users.admin)
    try:
        with pytest.raises(NotFound):
            permissions.get_or_404(Person, ident)
    finally:
        context.pop()


def test_anonymous_sees_nothing(app, placed):
    with app.test_request_context():
        assert db.session.scalar(select(func.count()).select_from(
            permissions.scoped(Facility).subquery())) == 0


# Through the pages: every registered route naming an out-of-scope row in its URL.
PAGE_TARGETS = {
    "inspector_a": {"person_id": "person_b", "line_id": "line_b", "lease_id": "lease_b",
                    "placement_id": "placement_b"},
    "owner_a": {"person_id": "person_b", "line_id": "line_b", "lease_id": "lease_b",
                "enterprise_id": "sme_b", "placement_id": "placement_b"},
}


def _object_routes(app, targets):
    """Yield (rule, method) for every method of every route naming only such rows: opening
    (GET) and editing (POST, with empty data) alike."""
    for rule in app.url_map.iter_rules():
        if rule.arguments and rule.arguments <= set(targets):
            for method in sorted(set(rule.methods) - {"HEAD", "OPTIONS"}):
                yield rule, method


@pytest.mark.parametrize("login", sorted(PAGE_TARGETS))
def test_pages_of_another_scope_answer_404_and_audit(app, client, placed, login):
    targets = PAGE_TARGETS[login]
    routes = list(_object_routes(app, targets))
    assert routes, "no route names these rows"
    client.post("/login", data={"login": login, "password": PASSWORD})
    # The API ignores the session: its routes are called with the same user's token.
    secret = create_token(getattr(placed.users, login), "scope")[1]
    db.session.commit()
    # A well-formed call, so that the answer is about the object, not about the arguments.
    api_call = {"headers": {"Authorization": f"Bearer {secret}", "Idempotency-Key": "another-scope"},
                "query_string": {"month": "2021-03"}}
    problems = []
    for rule, method in routes:
        url = rule.build({name: getattr(placed, targets[name]).id for name in rule.arguments},
                         append_unknown=False)[1]
        before = len(_deny_events())
        if rule.endpoint.startswith("api."):
            row = {"placement_id": placed.placement_b.id, "days_worked": 20, "hours_worked": 160,
                   "norm_hours": 160, "norm_met": True, "accrued_kzt": 100_000}
            call = dict(api_call, json={"rows": [row]} if method != "GET" else None)
        else:
            call = {"data": {} if method != "GET" else None}
        response = client.open(url, method=method, **call)
        if response.status_code != 404:
            problems.append(f"{method} {url} ({rule.endpoint}): {response.status_code}")
        elif len(_deny_events()) == before:
            problems.append(f"{method} {url} ({rule.endpoint}): 404 without a 'deny' audit event")
    assert not problems, "\n".join(problems)


# Lists: (login, endpoint, texts of the other scope that must not appear).
LISTS = [
    ("inspector_a", "marketplace.roster", ("person_b.last_name", "person_b.file_number")),
    ("owner_a", "enterprises.lines", ("line_b.title",)),
    ("owner_a", "enterprises.leases", ("sme_b.name",)),
    ("owner_a", "marketplace.workers", ("person_b.last_name", "person_b.file_number")),
    ("owner_a", "marketplace.requests", ("person_b.last_name", "line_b.title")),
    ("owner_a", "marketplace.wages", ("person_b.last_name", "line_b.title")),
    ("inspector_a", "marketplace.workers", ("person_b.last_name", "person_b.file_number")),
]


def _text(world, path):
    name, attribute = path.split(".")
    return str(getattr(getattr(world, name), attribute))


@pytest.mark.parametrize("login, endpoint, hidden", LISTS)
def test_lists_never_show_another_scope(app, client, placed, login, endpoint, hidden):
    with app.test_request_context():
        url = url_for(endpoint)  # a renamed endpoint fails here
    client.post("/login", data={"login": login, "password": PASSWORD})
    texts = [_text(placed, path) for path in hidden]
    for query in ({}, {"q": texts[0]}):
        response = client.get(url, query_string=query)
        if response.status_code in (403, 404):
            continue  # the role may not read this list at all
        assert response.status_code == 200
        # The search box shows back what was searched for; that is not a leak.
        body = response.get_data(as_text=True).replace(f'value="{texts[0]}"', "")
        for text in texts:
            assert text not in body, f"{endpoint} shows {text!r} to {login}"
