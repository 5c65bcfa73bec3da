"""A line's wage is held to the minimum wage of every year, not only the year it opened."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from enterprises import lines as line_services
from enterprises.models import ProductionLine
from extensions import db
from marketplace.models import Placement, PlacementWageChange
from reference.services import set_minimum_wage
from tests import factories
from tests.enterprises.test_enterprises_registry import english  # noqa: F401  (autouse)
from tests.enterprises.test_lines_posting import line_form, line_input
from timeutil import today
from web.errors import InputError

MINIMUM = 85_000


@pytest.fixture
def this_year(app):
    """This year's minimum wage is 85 000 ₸, whatever year the suite runs in."""
    set_minimum_wage(today().year, MINIMUM)
    db.session.commit()
    return today().year


@pytest.fixture
def in_request(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def low_line(world, this_year):
    """An open line of owner_a opened in 2021 at 45 000 ₸, below this year's minimum."""
    line = factories.line(world.sme_a, world.facility_a, lease=world.lease_a, wage_kzt=45_000,
                          title="Старый цех", opened_on=date(2021, 3, 1))
    db.session.commit()
    return line


def test_the_rule_in_sql_and_its_mirror_agree(world, low_line, this_year):
    closed = factories.line(world.sme_a, world.facility_a, wage_kzt=45_000, status="closed",
                            closed_on=date(2022, 1, 1), title="Закрыт")
    db.session.commit()
    flagged = set(db.session.scalars(select(ProductionLine.id).where(
        ProductionLine.below_minimum_wage(this_year))))
    assert flagged == {low_line.id}
    # 2021's minimum wage was 42 500 ₸: the same line was fine then.
    assert not set(db.session.scalars(select(ProductionLine.id).where(
        ProductionLine.below_minimum_wage(2021))))
    missing = dict(db.session.execute(select(ProductionLine.id, ProductionLine.wage_shortfall(
        this_year))).all())
    for line in (low_line, closed, world.line_a, world.line_b):
        assert missing[line.id] == line.wage_shortfall_kzt(MINIMUM)
    assert missing[low_line.id] == 40_000 and missing[closed.id] == 0
    assert missing[world.line_a.id] == 0


@pytest.mark.parametrize("login", ["owner_a", "inspector_a", "analyst", "admin"])
def test_lines_list_and_detail_flag_the_line_with_the_missing_amount(client, auth, world,
                                                                      low_line, login):
    auth.login(login)
    listing = client.get("/enterprises/lines").get_data(as_text=True)
    detail = client.get(f"/enterprises/lines/{low_line.id}").get_data(as_text=True)
    flag = "40,000 ₸ below the"
    assert listing.count("flag-line-below-min") == 1 and flag in listing
    assert "flag-line-below-min" in detail and flag in detail
    assert "is below the" in detail and "85,000 ₸ by 40,000 ₸" in detail
    fine = client.get(f"/enterprises/lines/{world.line_a.id}").get_data(as_text=True)
    assert "flag-line-below-min" not in fine


def test_home_panels_flag_the_line_for_its_owner_and_inspector(client, auth, world, low_line):
    for login in ("owner_a", "inspector_a"):
        auth.login(login)
        home = client.get("/").get_data(as_text=True)
        assert "flag-line-below-min" in home and "40,000 ₸ below the" in home, login
        auth.logout()
    auth.login("owner_b")
    assert "flag-line-below-min" not in client.get("/").get_data(as_text=True)


def test_an_old_line_cannot_be_saved_below_this_years_minimum(world, low_line, in_request,
                                                              this_year):
    with pytest.raises(InputError) as refused:
        line_services.save_line(low_line, world.sme_a, line_input(
            facility_id=world.facility_a.id, wage_kzt=50_000))
    message = refused.value.errors["wage_kzt"]
    assert str(this_year) in message and "85,000 ₸" in message and "35,000 ₸" in message


def test_a_paused_line_below_the_minimum_cannot_reopen_until_raised(client, auth, world,
                                                                    low_line, in_request):
    low_line.status = "paused"
    db.session.commit()
    with pytest.raises(InputError) as refused:
        line_services.open_line(low_line)
    assert "85,000 ₸" in refused.value.errors["action"]
    assert "40,000 ₸" in refused.value.errors["action"]
    db.session.rollback()
    auth.login("owner_a")
    page = client.post(f"/enterprises/lines/{low_line.id}/status", data={"action": "open"},
                       follow_redirects=True).get_data(as_text=True)
    assert "cannot open while its wage of 45,000 ₸" in page and "raise it by 40,000 ₸" in page
    db.session.expire_all()
    assert db.session.get(ProductionLine, low_line.id).status == "paused"
    response = client.post(f"/enterprises/lines/{low_line.id}/edit", data=line_form(
        world.facility_a.id, lease_id=world.lease_a.id, wage_kzt="85000",
        version_id=str(low_line.version_id)))
    assert response.status_code == 302
    client.post(f"/enterprises/lines/{low_line.id}/status", data={"action": "open"})
    db.session.expire_all()
    assert db.session.get(ProductionLine, low_line.id).status == "open"


def test_a_raise_carries_the_agreed_wages_below_it_and_keeps_the_history(world, low_line,
                                                                         in_request):
    on_old_wage = factories.placement(world.person_a, low_line, started_on=date(2023, 1, 9))
    paid_more = factories.placement(factories.person(world.facility_a), low_line,
                                    started_on=date(2023, 2, 1), wage_kzt=95_000)
    soon = today() + timedelta(days=10)
    starting = factories.placement(factories.person(world.facility_a), low_line,
                                   started_on=soon)
    ended = factories.placement(factories.person(world.facility_a), low_line,
                                started_on=date(2022, 1, 1), ended_on=date(2022, 6, 1))
    db.session.commit()
    line_services.save_line(low_line, world.sme_a, line_input(
        facility_id=world.facility_a.id, lease_id=world.lease_a.id, wage_kzt=90_000),
        user=world.users.owner_a)
    db.session.commit()
    db.session.expire_all()
    wages = {p.id: p.wage_kzt for p in db.session.scalars(select(Placement))}
    assert wages == {on_old_wage.id: 90_000, paid_more.id: 95_000, starting.id: 90_000,
                     ended.id: 45_000}
    changes = {c.placement_id: c for c in db.session.scalars(select(PlacementWageChange))}
    assert set(changes) == {on_old_wage.id, starting.id}
    first = changes[on_old_wage.id]
    assert (first.old_wage_kzt, first.new_wage_kzt, first.effective_on,
            first.changed_by_id) == (45_000, 90_000, today(), world.users.owner_a.id)
    assert changes[starting.id].effective_on == soon  # a raise before the start counts from it
    # Lowering a line's wage later leaves the agreed wages alone.
    line_services.save_line(db.session.get(ProductionLine, low_line.id), world.sme_a,
                            line_input(facility_id=world.facility_a.id,
                                       lease_id=world.lease_a.id, wage_kzt=88_000))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Placement, on_old_wage.id).wage_kzt == 90_000


def test_the_raise_through_the_edit_form_is_shown_on_the_persons_page(client, auth, world,
                                                                       low_line):
    factories.placement(world.person_a, low_line, started_on=date(2023, 1, 9))
    db.session.commit()
    auth.login("owner_a")
    response = client.post(f"/enterprises/lines/{low_line.id}/edit", data=line_form(
        world.facility_a.id, lease_id=world.lease_a.id, wage_kzt="92000",
        version_id=str(low_line.version_id)), follow_redirects=True)
    assert "now receive it from today" in response.get_data(as_text=True)
    auth.logout()
    auth.login("inspector_a")
    page = client.get(f"/market/people/{world.person_a.id}/placements").get_data(as_text=True)
    assert 'id="wage-changes"' in page
    changes = page.split('id="wage-changes"')[1]
    assert "45,000 ₸" in changes and "92,000 ₸" in changes and "owner_a" in changes
