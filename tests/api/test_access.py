"""Who may call what: tokens act as their users, scopes as on the pages, cookies count for
nothing, errors are problem+json in the token user's language."""
from sqlalchemy import select

from accounts.models import AuditEvent
from accounts.tokens import create_token, revoke_token
from extensions import db
from tests.api.conftest import bearer
from tests.factories import PASSWORD

PROBLEM = "application/problem+json"


def ids(response):
    return {row["id"] for row in response.get_json()}


def test_lines_are_scoped_like_the_lines_page(client, world, tokens):
    both = {world.line_a.id, world.line_b.id}
    assert ids(client.get("/api/v1/lines", headers=bearer(tokens["admin"]))) == both
    assert ids(client.get("/api/v1/lines", headers=bearer(tokens["analyst"]))) == both
    assert ids(client.get("/api/v1/lines", headers=bearer(tokens["inspector_a"]))) == {world.line_a.id}
    assert ids(client.get("/api/v1/lines", headers=bearer(tokens["owner_b"]))) == {world.line_b.id}
    region_a = world.facility_a.region_id
    assert ids(client.get(f"/api/v1/lines?region={region_a}",
                          headers=bearer(tokens["admin"]))) == {world.line_a.id}
    assert ids(client.get("/api/v1/lines?occupation=7114",
                          headers=bearer(tokens["admin"]))) == {world.line_b.id}


def test_another_scopes_object_is_a_404_and_audited(client, world, tokens):
    for role, path in (("inspector_a", f"/api/v1/lines/{world.line_b.id}"),
                       ("owner_a", f"/api/v1/lines/{world.line_b.id}"),
                       ("inspector_a", f"/api/v1/people/{world.person_b.id}"),
                       ("owner_a", f"/api/v1/lines/{world.line_b.id}/wages?month=2021-03")):
        response = client.get(path, headers=bearer(tokens[role]))
        assert response.status_code == 404, (role, path)
        assert response.mimetype == PROBLEM
        assert response.get_json()["code"] == "not_found"
    denials = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "deny", AuditEvent.outcome == "out_of_scope")).all()
    assert len(denials) >= 4


def test_people_only_for_the_roles_whose_pages_show_them(client, world, tokens, placed):
    people = client.get("/api/v1/people", headers=bearer(tokens["inspector_a"]))
    assert ids(people) == {world.person_a.id}
    assert people.get_json()[0]["file_number"] == world.person_a.file_number
    for role in ("analyst", "owner_a"):
        assert client.get("/api/v1/people", headers=bearer(tokens[role])).status_code == 403
    workers = client.get("/api/v1/workers", headers=bearer(tokens["owner_a"])).get_json()
    assert [w["file_number"] for w in workers] == [world.person_a.file_number]
    assert "person_id" not in workers[0] and "birth_on" not in workers[0]
    assert client.get("/api/v1/workers", headers=bearer(tokens["owner_b"])).get_json() == []
    owner_view = client.get("/api/v1/placements", headers=bearer(tokens["owner_a"])).get_json()
    assert [p["id"] for p in owner_view] == [placed.id] and "person_id" not in owner_view[0]
    inspector_view = client.get("/api/v1/placements", headers=bearer(tokens["inspector_a"]))
    assert inspector_view.get_json()[0]["person_id"] == world.person_a.id
    assert client.get(f"/api/v1/placements/{placed.id}",
                      headers=bearer(tokens["inspector_b"])).status_code == 404


def test_owners_see_candidates_pseudonymously(client, world, tokens):
    body = client.get(f"/api/v1/lines/{world.line_a.id}/candidates",
                      headers=bearer(tokens["owner_a"])).get_json()
    assert body["pseudonymous"] is True and body["candidates"] == []
    profile = body["profiles"][0]
    assert profile["pseudonym"].startswith("К-")
    assert not {"person_id", "file_number", "full_name"} & set(profile)
    named = client.get(f"/api/v1/lines/{world.line_a.id}/candidates",
                       headers=bearer(tokens["inspector_a"])).get_json()
    assert named["candidates"][0]["person_id"] == world.person_a.id


def test_cookies_never_authenticate_the_api(client, world, tokens):
    assert client.post("/login", data={"login": "admin", "password": PASSWORD}).status_code == 302
    response = client.get("/api/v1/lines")
    assert response.status_code == 401
    assert response.mimetype == PROBLEM and response.get_json()["code"] == "unauthenticated"
    assert "Set-Cookie" not in client.get("/api/v1/regions",
                                          headers=bearer(tokens["admin"])).headers


def test_a_revoked_or_unknown_token_is_refused(client, world):
    token, secret = create_token(world.users.admin, "soon gone")
    db.session.commit()
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
    revoke_token(db.session.get(type(token), token.id))
    db.session.commit()
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 401
    assert client.get("/api/v1/regions", headers=bearer("pm_" + "x" * 43)).status_code == 401
    assert token.secret_sha256 != secret and secret not in token.secret_sha256


def test_a_read_only_token_may_not_write(client, world, placed):
    _token, secret = create_token(world.users.inspector_a, "reader", read_only=True)
    db.session.commit()
    response = client.put(f"/api/v1/lines/{world.line_a.id}/wages?month=2021-03",
                          json={"rows": [{"placement_id": placed.id, "days_worked": 20,
                                          "hours_worked": 160, "norm_hours": 160,
                                          "norm_met": True, "accrued_kzt": 60000}]},
                          headers=bearer(secret, **{"Idempotency-Key": "read-only-1"}))
    assert response.status_code == 403 and response.get_json()["code"] == "read_only_token"


def test_errors_speak_the_token_users_language(client, world, tokens):
    world.users.inspector_a.language = "ru"
    db.session.commit()
    body = client.get(f"/api/v1/lines/{world.line_b.id}",
                      headers=bearer(tokens["inspector_a"])).get_json()
    assert body["code"] == "not_found"
    assert any("а" <= ch <= "я" for ch in body["title"]), body["title"]
    invalid = client.get("/api/v1/lines?status=nonsense", headers=bearer(tokens["admin"]))
    assert invalid.status_code == 422 and invalid.mimetype == PROBLEM
    assert "status" in invalid.get_json()["errors"]["query"]
    missing = client.get("/api/v1/no-such-thing", headers=bearer(tokens["admin"]))
    assert missing.status_code == 404 and missing.mimetype == PROBLEM


def test_every_call_is_audited(client, world, tokens):
    client.get("/api/v1/lines", headers=bearer(tokens["analyst"]))
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "api.lines").order_by(AuditEvent.id.desc())).first()
    assert event is not None and event.user_id == world.users.analyst.id
    assert event.action == "view" and "GET /api/v1/lines" in event.detail


def test_calls_are_rate_limited_per_token(app, world, tokens):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    answers = [client.get("/api/v1/regions", headers=bearer(tokens["analyst"])).status_code
               for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.get("/api/v1/regions", headers=bearer(tokens["analyst"]))
    assert limited.mimetype == PROBLEM and limited.get_json()["code"] == "rate_limited"
    # Another token has its own allowance.
    assert client.get("/api/v1/regions", headers=bearer(tokens["admin"])).status_code == 200


def test_the_description_and_its_page_are_served_here(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/lines/{line_id}/wages" in spec["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html and "<script>" not in html
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/vendor/swagger-ui/LICENSE").status_code == 200
