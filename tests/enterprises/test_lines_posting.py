"""Production lines: posting rules, wage floor, optimistic locking, closing, lists, scope."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent
from enterprises import lines as line_services
from enterprises.models import LineOccupation, ProductionLine
from extensions import db
from marketplace.models import Placement
from reference.services import minimum_wage
from tests import factories
from tests.enterprises.test_enterprises_registry import english  # noqa: F401  (autouse)
from tests.markup import error_near, problems_of
from web.errors import InputError
from web.formatting import money

MINIMUM_WAGES = {2019: 42_500, 2020: 42_500, 2021: 42_500, 2022: 60_000, 2023: 70_000,
                 2024: 85_000, 2025: 85_000, 2026: 85_000}


@pytest.fixture
def in_request(app):
    """A request context, so services can translate their messages."""
    with app.test_request_context():
        yield


def line_form(facility_id="", region_id="", lease_id="", **overrides):
    """Return line form data that passes for owner_a in facility_a."""
    data = {"title": "Швейный цех №2", "description": "Sewing uniforms",
            "facility_id": str(facility_id), "region_id": str(region_id),
            "lease_id": str(lease_id), "occupations-0-code": "7533",
            "occupations-0-min_level": "qualified", "occupations-1-code": "",
            "occupations-1-min_level": "trainee", "headcount": "10", "hours_per_week": "40",
            "wage_kzt": "90000", "min_months_left": "6", "training_provided": "y",
            "publish": "y"}
    data.update(overrides)
    return data


def line_input(**overrides):
    values = {"title": "Line", "headcount": 3, "wage_kzt": 90_000,
              "occupations": [("7533", "trainee")]}
    values.update(overrides)
    return line_services.LineInput(**values)


def count_lines():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(ProductionLine))


@pytest.mark.parametrize("year", sorted(MINIMUM_WAGES))
def test_wage_floor_for_each_year(app, world, in_request, year, monkeypatch):
    # The wage is held to the minimum wage of the year it is saved in.
    monkeypatch.setattr(line_services, "today", lambda: date(year, 6, 1))
    floor = minimum_wage(year)
    assert floor == MINIMUM_WAGES[year]
    line = factories.line(world.sme_a, world.facility_a, opened_on=date(year, 3, 1),
                          wage_kzt=floor + 1000)
    db.session.commit()
    data = line_input(facility_id=world.facility_a.id, wage_kzt=floor - 1)
    with pytest.raises(InputError) as refused:
        line_services.save_line(line, world.sme_a, data)
    message = refused.value.errors["wage_kzt"]
    assert str(year) in message and money(floor) in message
    db.session.rollback()
    line = db.session.get(ProductionLine, line.id)
    line_services.save_line(line, world.sme_a, line_input(facility_id=world.facility_a.id,
                                                           wage_kzt=floor))
    assert line.wage_kzt == floor


def test_wage_message_names_the_year_and_figure(app, client, auth, world):
    auth.login("owner_a")
    page = client.post("/enterprises/lines/new", data=line_form(
        world.facility_a.id, wage_kzt="1000")).get_data(as_text=True)
    assert 'id="wage_kzt-error"' in page and "minimum wage" in page
    assert count_lines() == 2


def test_owner_posts_line_in_leased_facility(app, client, auth, world):
    auth.login("owner_a")
    response = client.post("/enterprises/lines/new",
                           data=line_form(world.facility_a.id, lease_id=world.lease_a.id))
    assert response.status_code == 302
    line = db.session.scalars(select(ProductionLine).where(
        ProductionLine.title == "Швейный цех №2")).one()
    assert (line.enterprise_id, line.facility_id, line.lease_id, line.status) == (
        world.sme_a.id, world.facility_a.id, world.lease_a.id, "open")
    assert [(o.occupation_code, o.min_level) for o in line.occupations] == [("7533", "qualified")]
    assert line.training_provided and not line.outside_work


def test_line_in_facility_without_lease_is_refused(app, client, auth, world, in_request):
    with pytest.raises(InputError) as refused:
        line_services.save_line(None, world.sme_a, line_input(facility_id=world.facility_b.id))
    assert "facility_id" in refused.value.errors
    db.session.rollback()
    auth.login("owner_a")
    page = client.post("/enterprises/lines/new",
                       data=line_form(world.facility_b.id)).get_data(as_text=True)
    assert 'id="facility_id-error"' in page
    auth.logout()
    auth.login("admin")
    page = client.post("/enterprises/lines/new", data=line_form(
        world.facility_b.id, enterprise_id=str(world.sme_a.id))).get_data(as_text=True)
    assert 'id="facility_id-error"' in page
    # A lease of another enterprise cannot be linked either.
    page = client.post("/enterprises/lines/new", data=line_form(
        world.facility_a.id, lease_id=world.lease_b.id, enterprise_id=str(world.sme_a.id))
    ).get_data(as_text=True)
    assert 'id="lease_id-error"' in page
    assert count_lines() == 2


def test_branch_and_service_post_in_their_facility_and_outside(app, world, in_request):
    line = line_services.save_line(None, world.branch, line_input(facility_id=world.facility_b.id))
    assert line.facility_id == world.facility_b.id
    outside = line_services.save_line(None, world.service_a, line_input(
        region_id=factories.region("KZ-71").id))
    assert outside.facility_id is None and outside.outside_work
    with pytest.raises(InputError) as refused:
        line_services.save_line(None, world.sme_a, line_input())
    assert "region_id" in refused.value.errors


def test_bad_input_is_explained_and_nothing_saved(app, client, auth, world):
    auth.login("owner_a")
    page = client.post("/enterprises/lines/new", data=line_form(
        world.facility_a.id, title="", headcount="0", hours_per_week="99", wage_kzt="lots",
        **{"occupations-0-code": "9999"})).get_data(as_text=True)
    for name in ("title", "headcount", "hours_per_week", "wage_kzt"):
        assert f'id="{name}-error"' in page
    page = client.post("/enterprises/lines/new", data=line_form(
        world.facility_a.id, **{"occupations-0-code": "9999"})).get_data(as_text=True)
    assert "Unknown occupation code: 9999" in (error_near(page, "occupations") or "")
    assert problems_of(page) == []
    page = client.post("/enterprises/lines/new", data=line_form(
        world.facility_a.id, **{"occupations-0-code": ""})).get_data(as_text=True)
    assert "Choose at least one occupation." in (error_near(page, "occupations") or "")
    assert count_lines() == 2


def test_scope_fields_of_owner_are_ignored(app, client, auth, world):
    auth.login("owner_a")
    client.post("/enterprises/lines/new", data=line_form(
        world.facility_a.id, enterprise_id=str(world.sme_b.id), status="closed"))
    line = db.session.scalars(select(ProductionLine).where(
        ProductionLine.title == "Швейный цех №2")).one()
    assert line.enterprise_id == world.sme_a.id and line.status == "open"


def test_pending_sme_cannot_post_lines(app, client, auth, world, in_request):
    pending = factories.enterprise("sme", status="pending")
    factories.user("owner", login="pending_owner", enterprise_id=pending.id)
    db.session.commit()
    auth.login("pending_owner")
    assert client.get("/enterprises/lines/new").status_code == 302
    response = client.post("/enterprises/lines/new", data=line_form(
        region_id=factories.region().id, facility_id=""))
    assert response.status_code == 302
    assert count_lines() == 2
    with pytest.raises(InputError):
        line_services.save_line(None, pending, line_input(region_id=factories.region().id))


def test_owner_cannot_see_or_change_another_owners_line(app, client, auth, world):
    auth.login("owner_a")
    assert client.get(f"/enterprises/lines/{world.line_a.id}").status_code == 200
    assert client.get(f"/enterprises/lines/{world.line_b.id}").status_code == 404
    assert client.get(f"/enterprises/lines/{world.line_b.id}/edit").status_code == 404
    assert client.post(f"/enterprises/lines/{world.line_b.id}/edit",
                       data=line_form(world.facility_b.id, title="Hijacked")).status_code == 404
    assert client.post(f"/enterprises/lines/{world.line_b.id}/status",
                       data={"action": "pause"}).status_code == 404
    assert client.post(f"/enterprises/lines/{world.line_b.id}/close",
                       data={"ended_on": "2026-01-01", "end_reason": "other"}).status_code == 404
    db.session.expire_all()
    line_b = db.session.get(ProductionLine, world.line_b.id)
    assert (line_b.title, line_b.status) == ("ЖБИ", "open")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "deny", AuditEvent.entity == "production_line",
        AuditEvent.entity_id == str(world.line_b.id))) >= 5
    page = client.get("/enterprises/lines").get_data(as_text=True)
    assert "Швейный цех" in page and "ЖБИ" not in page


def test_concurrent_edit_gets_a_conflict_message(app, client, auth, world):
    auth.login("owner_a")
    page = client.get(f"/enterprises/lines/{world.line_a.id}/edit").get_data(as_text=True)
    assert 'name="version_id"' in page
    version = str(world.line_a.version_id)
    first = client.post(f"/enterprises/lines/{world.line_a.id}/edit", data=line_form(
        world.facility_a.id, title="First edit", version_id=version))
    assert first.status_code == 302
    second = client.post(f"/enterprises/lines/{world.line_a.id}/edit", data=line_form(
        world.facility_a.id, title="Second edit", version_id=version))
    assert second.status_code == 409
    assert "Someone else changed this line" in second.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ProductionLine, world.line_a.id).title == "First edit"


def test_headcount_not_below_active_placements(app, client, auth, world):
    factories.placement(world.person_a, world.line_a)
    db.session.commit()
    auth.login("owner_a")
    page = client.post(f"/enterprises/lines/{world.line_a.id}/edit", data=line_form(
        world.facility_a.id, headcount="0", version_id=str(world.line_a.version_id))
    ).get_data(as_text=True)
    assert 'id="headcount-error"' in page
    db.session.expire_all()
    line = db.session.get(ProductionLine, world.line_a.id)
    assert (line.headcount, line.places_taken) == (5, 1)


def test_pause_reopen_and_close_ending_placements(app, client, auth, world):
    placement = factories.placement(world.person_a, world.line_a)
    db.session.commit()
    auth.login("owner_a")
    client.post(f"/enterprises/lines/{world.line_a.id}/status", data={"action": "pause"})
    db.session.expire_all()
    assert db.session.get(ProductionLine, world.line_a.id).status == "paused"
    client.post(f"/enterprises/lines/{world.line_a.id}/status", data={"action": "open"})
    db.session.expire_all()
    assert db.session.get(ProductionLine, world.line_a.id).status == "open"
    page = client.get(f"/enterprises/lines/{world.line_a.id}/close").get_data(as_text=True)
    assert 'name="end_reason"' in page
    # Only a reason true of every worker at once: not a release, a transfer or a withdrawal.
    offered = set(re.findall(r'<option[^>]*value="([^"]+)"', page.split('name="end_reason"')[1]
                             .split("</select>")[0]))
    assert offered == {"line_closed", "completed", "other"}
    for reason in ("released", "transferred", "withdrawn"):
        refused = client.post(f"/enterprises/lines/{world.line_a.id}/close", data={
            "ended_on": "2026-03-31", "end_reason": reason})
        assert refused.status_code != 302
        assert error_near(refused.get_data(as_text=True), "end_reason")
    assert db.session.get(Placement, placement.id).holds_place()
    page = client.post(f"/enterprises/lines/{world.line_a.id}/close", data={
        "ended_on": "2020-01-01", "end_reason": "line_closed"}).get_data(as_text=True)
    assert 'id="ended_on-error"' in page  # before the line opened
    response = client.post(f"/enterprises/lines/{world.line_a.id}/close", data={
        "ended_on": "2026-03-31", "end_reason": "completed"})
    assert response.status_code == 302
    db.session.expire_all()
    line = db.session.get(ProductionLine, world.line_a.id)
    ended = db.session.get(Placement, placement.id)
    assert (line.status, line.closed_on) == ("closed", date(2026, 3, 31))
    assert (ended.ended_on, ended.end_reason) == (date(2026, 3, 31), "completed")


def test_draft_opens_at_this_years_floor(app, world, in_request):
    draft = factories.line(world.sme_a, world.facility_a, status="draft", wage_kzt=50_000)
    with pytest.raises(InputError):
        line_services.open_line(draft)  # 50 000 is below this year's minimum wage
    draft.wage_kzt = 200_000
    line_services.open_line(draft)
    assert draft.status == "open" and draft.opened_on is not None


def test_lines_list_counts_filters_and_inspector_scope(app, client, auth, world):
    factories.placement(world.person_a, world.line_a)
    outside = factories.line(world.sme_a, None, region_code="KZ-71", title="Outside KZ-71",
                             occupations=(("9313", "trainee"),))
    factories.line(world.sme_b, None, region_code="KZ-35", title="Outside KZ-35")
    db.session.commit()
    auth.login("inspector_a")
    page = client.get("/enterprises/lines").get_data(as_text=True)
    assert "Швейный цех" in page and "Outside KZ-71" in page
    assert "ЖБИ" not in page and "Outside KZ-35" not in page
    page = client.get("/enterprises/lines?occupation=9313").get_data(as_text=True)
    assert "Outside KZ-71" in page and "Швейный цех" not in page
    page = client.get(f"/enterprises/lines?facility={world.facility_a.id}&status=open"
                      "&sort=-filled").get_data(as_text=True)
    assert "Швейный цех" in page and "Outside KZ-71" not in page
    assert client.get(f"/enterprises/lines/{world.line_b.id}").status_code == 404
    assert client.get(f"/enterprises/lines/{outside.id}").status_code == 200
    assert client.get("/enterprises/lines?page=abc&sort=evil").status_code == 200


def test_lines_list_is_one_query_per_page(app, client, auth, world):
    from sqlalchemy import event

    for n in range(6):
        factories.line(world.sme_a, world.facility_a, title=f"Extra {n}")
    db.session.commit()
    auth.login("admin")
    statements = []

    def count_statement(*args):
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        client.get("/enterprises/lines")
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    line_queries = [s for s in statements if "production_line" in s and "placement" in s]
    assert len(line_queries) <= 2  # the page and its count


def test_line_occupations_are_replaced_on_edit(app, world, in_request):
    line_services.save_line(world.line_a, world.sme_a, line_input(
        facility_id=world.facility_a.id, occupations=[("7533", "expert"), ("7531", "trainee")]))
    db.session.commit()
    rows = db.session.execute(select(LineOccupation.occupation_code, LineOccupation.min_level)
                              .where(LineOccupation.line_id == world.line_a.id)
                              .order_by(LineOccupation.occupation_code)).all()
    assert [tuple(r) for r in rows] == [("7531", "trainee"), ("7533", "expert")]
