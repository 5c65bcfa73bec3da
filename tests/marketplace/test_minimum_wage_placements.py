"""No placement on a line below the minimum wage, nor at an agreed wage below it; the page and
the counts that list what a new minimum wage leaves below it."""
from datetime import date

import pytest
from sqlalchemy import func, select

from extensions import db
from marketplace import fill, services
from marketplace.models import Placement
from marketplace.placements import PlacementConflict, start_placement
from reference.services import set_minimum_wage
from tests import factories
from timeutil import today

MINIMUM = 85_000


@pytest.fixture
def app(app):
    """The app with an English request context, so messages render as text."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield app


@pytest.fixture
def this_year(app):
    """This year's minimum wage is 85 000 ₸, whatever year the suite runs in."""
    set_minimum_wage(today().year, MINIMUM)
    db.session.commit()
    return today().year


@pytest.fixture
def low_line(world, this_year):
    """An open line of owner_a at facility_a paying 60 000 ₸."""
    line = factories.line(world.sme_a, world.facility_a, wage_kzt=60_000, title="Низкая ставка")
    db.session.commit()
    return line


def placements():
    db.session.expire_all()
    return db.session.scalar(select(func.count(Placement.id)))


def test_a_line_below_the_minimum_takes_no_placement_and_says_by_how_much(world, low_line,
                                                                          this_year):
    with pytest.raises(PlacementConflict) as refused:
        start_placement(world.person_a.id, low_line.id, today())
    message = str(refused.value.message)
    assert "60,000 ₸" in message and str(this_year) in message
    assert "85,000 ₸" in message and "25,000 ₸" in message
    assert refused.value.rules == ["minimum_wage"]
    db.session.rollback()
    assert placements() == 0
    low_line = db.session.get(type(low_line), low_line.id)
    low_line.wage_kzt = MINIMUM
    factories.consent_all()
    db.session.commit()
    assert start_placement(world.person_a.id, low_line.id, today()).wage_kzt == MINIMUM


def test_an_agreed_wage_below_the_minimum_of_the_start_year_is_refused(world, this_year):
    factories.consent_all()
    db.session.commit()
    with pytest.raises(PlacementConflict) as refused:
        start_placement(world.person_a.id, world.line_a.id, date(this_year, 2, 1),
                        wage_kzt=80_000)
    message = str(refused.value.message)
    assert "agreed wage of 80,000 ₸" in message and "by 5,000 ₸" in message
    db.session.rollback()
    # In 2021 the minimum wage was 42 500 ₸: a placement starting then may agree to 45 000 ₸.
    placement = start_placement(world.person_a.id, world.line_a.id, date(2021, 6, 1),
                                wage_kzt=45_000)
    assert placement.wage_kzt == 45_000


def test_placing_through_the_client_answers_409_with_the_reason(client, auth, world, low_line):
    auth.login("inspector_a")
    page = client.get(f"/market/lines/{low_line.id}/candidates").get_data(as_text=True)
    assert 'id="wage-below-minimum"' in page and "by 25,000 ₸" in page
    response = client.post(f"/market/lines/{low_line.id}/place", data={
        "person_id": world.person_a.id, "started_on": today().isoformat()})
    assert response.status_code == 409
    assert "its wage must rise by 25,000 ₸" in response.get_data(as_text=True)
    assert placements() == 0
    auth.logout()
    auth.login("owner_a")
    owner_page = client.get(f"/market/lines/{low_line.id}/candidates").get_data(as_text=True)
    assert 'id="wage-below-minimum"' in owner_page


def test_the_fill_flags_the_line_and_proposes_nobody_for_it(client, auth, world, low_line):
    for _ in range(3):
        factories.person(world.facility_a)
    db.session.commit()
    proposed = {p.line_id for p in fill.proposals(world.facility_a, today())}
    assert low_line.id not in proposed and world.line_a.id in proposed
    auth.login("inspector_a")
    page = client.get("/market/fill").get_data(as_text=True)
    assert "flag-line-below-min" in page and "25,000 ₸ below the" in page
    assert f'value="{world.person_a.id}:{low_line.id}"' not in page


def test_the_page_lists_lines_and_placements_below_in_each_users_scope(client, auth, world,
                                                                        low_line):
    low_b = factories.line(world.sme_b, world.facility_b, wage_kzt=50_000, title="Чужая")
    # Placed before the minimum wage rose: the agreed wage is left below it.
    factories.placement(world.person_a, low_line, started_on=date(2021, 5, 1))
    db.session.commit()
    auth.login("owner_a")
    page = client.get("/market/below-minimum-wage").get_data(as_text=True)
    assert "Низкая ставка" in page and "Чужая" not in page
    assert "Алиев" in page and "Lines: 1" in page
    assert "Active placements at an agreed wage below it: 1" in page
    auth.logout()
    auth.login("inspector_b")
    page = client.get("/market/below-minimum-wage").get_data(as_text=True)
    assert "Чужая" in page and "Низкая ставка" not in page and "Алиев" not in page
    auth.logout()
    auth.login("analyst")
    page = client.get("/market/below-minimum-wage").get_data(as_text=True)
    assert "Чужая" in page and "Низкая ставка" in page
    assert "Алиев" not in page and "placements-below" not in page
    assert services.below_minimum_counts(today().year) == {"lines": 2, "placements": 1}
    assert low_b.wage_shortfall_kzt(MINIMUM) == 35_000


def test_home_panel_counts_and_links_the_page(client, auth, world, low_line):
    factories.placement(world.person_a, low_line, started_on=date(2021, 5, 1))
    db.session.commit()
    for login in ("owner_a", "inspector_a", "admin"):
        auth.login(login)
        home = client.get("/").get_data(as_text=True)
        assert 'id="below-minimum-link"' in home
        assert "Below the minimum wage — lines: 1, placements: 1" in home, login
        auth.logout()
    auth.login("owner_b")
    assert "lines: 0, placements: 0" in client.get("/").get_data(as_text=True)


def test_a_new_minimum_wage_tells_the_admin_what_it_leaves_below(client, auth, world,
                                                                 this_year):
    factories.placement(world.person_a, world.line_a, started_on=date(2024, 2, 1))
    db.session.commit()
    auth.login("admin")
    page = client.post("/reference/minimum-wage", data={"year": this_year + 1,
                                                       "amount_kzt": 95_000},
                       follow_redirects=True).get_data(as_text=True)
    # Both lines and the one placement pay 90 000 ₸.
    assert "leaves below it lines: 2, active placements: 1" in page
    # Not in force yet: this year's flags are unchanged, next year's page lists them.
    assert services.below_minimum_counts(this_year) == {"lines": 0, "placements": 0}
    listing = client.get(f"/market/below-minimum-wage?year={this_year + 1}").get_data(
        as_text=True)
    assert "Lines: 2" in listing and "Швейный цех" in listing and "ЖБИ" in listing
    page = client.post("/reference/minimum-wage", data={"year": this_year,
                                                       "amount_kzt": 91_000},
                       follow_redirects=True).get_data(as_text=True)
    assert "leaves below it lines: 2, active placements: 1" in page
    assert services.below_minimum_counts(this_year) == {"lines": 2, "placements": 1}
    page = client.post("/reference/minimum-wage", data={"year": 2020, "amount_kzt": 42_500},
                       follow_redirects=True).get_data(as_text=True)
    assert "leaves below it" not in page


def test_wage_pages_and_the_owners_workers_flag_the_line(client, auth, world, low_line):
    factories.placement(world.person_a, low_line, started_on=date(2021, 5, 1))
    db.session.commit()
    month = today().strftime("%Y-%m")
    auth.login("owner_a")
    grid = client.get(f"/market/lines/{low_line.id}/wages?month={month}").get_data(as_text=True)
    listing = client.get(f"/market/wages?month={month}").get_data(as_text=True)
    workers = client.get("/market/workers").get_data(as_text=True)
    assert 'id="wage-below-minimum"' in grid and "by 25,000 ₸" in grid
    assert "flag-line-below-min" in listing and "25,000 ₸ below the" in listing
    # The line lacks 25 000 ₸; the worker's agreed wage of 60 000 ₸ lacks as much.
    assert workers.count("25,000 ₸ below the") == 2
    fine = client.get(f"/market/lines/{world.line_a.id}/wages?month={month}").get_data(
        as_text=True)
    assert 'id="wage-below-minimum"' not in fine
