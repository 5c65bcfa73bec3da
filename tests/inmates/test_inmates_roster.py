"""The roster: filters, sorting, counts, and a constant number of queries per page."""
from datetime import date

from sqlalchemy import event, insert

from extensions import db, gather_statistics
from inmates.models import Person, Skill, Stay
from marketplace.models import Placement
from tests import factories
from tests.inmates.test_inmates_people import english  # noqa: F401  (autouse fixture)
from timeutil import add_months


def crowd(facility, count, line=None, employed_every=3):
    """Insert ``count`` people with two skills each in bulk; every third one placed on a line."""
    rows = [{"file_number": f"C-{facility.id}-{i:05d}", "last_name": f"Жанов{i:05d}",
             "first_name": "Арман", "birth_on": date(1980, 1, 1), "gender": "M",
             "facility_id": facility.id, "admitted_on": date(2020, 1, 1),
             "expected_release_on": date(2026 + i % 8, 1, 1), "custody_status": "in_custody",
             "able_bodied": i % 10 != 0, "education_level": "general_secondary",
             "no_work_with_minors": i % 7 == 0, "no_outside_work": False, "version_id": 1}
            for i in range(count)]
    ids = db.session.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True),
                             rows).all()
    db.session.execute(insert(Stay), [{"person_id": pid, "facility_id": facility.id,
                                       "started_on": date(2020, 1, 1)} for pid in ids])
    db.session.execute(insert(Skill), [
        {"person_id": pid, "occupation_code": code, "level": "qualified", "years_experience": 2}
        for pid in ids for code in ("7533", "9112")])
    if line is not None:
        placed = [pid for i, pid in enumerate(ids) if i % employed_every == 1 and i % 10 != 0]
        db.session.execute(insert(Placement), [
            {"person_id": pid, "line_id": line.id, "slot": n, "started_on": date(2021, 1, 1),
             "wage_kzt": 90_000} for n, pid in enumerate(placed, start=1)])
    gather_statistics(db.session, "person", "stay", "skill", "placement")
    db.session.commit()
    return ids


class StatementCounter:
    """Count SQL statements sent to the database while active."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _hit(self, *args):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._hit)


def test_page_of_50_among_2000_takes_a_constant_number_of_queries(world, client, auth):
    big_line = factories.line(world.sme_a, world.facility_a, headcount=2000)
    crowd(world.facility_a, 2000, big_line)
    auth.login("inspector_a")
    client.get("/market/roster")  # warm up: first-request work is not the roster's
    with StatementCounter(db.engine) as small:
        response = client.get("/market/roster?sort=employed&page=3")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('href="/people/') >= 50
    # session user, page rows, total count, skills, occupations, facility counts, facilities,
    # occupations for the filter: a handful, never one per row.
    assert small.count <= 12, small.count
    with StatementCounter(db.engine) as filtered:
        client.get("/market/roster?occupation=7533&level=qualified&months=24&employed=no&able=yes&q=Жанов")
    assert filtered.count == small.count


def test_counts_for_the_facility_today(world, client, auth):
    crowd(world.facility_a, 30, world.line_a, employed_every=6)  # line_a has 5 places
    auth.login("inspector_a")
    page = client.get("/market/roster").get_data(as_text=True)
    # 30 + person_a in custody; 27 of the crowd and person_a able-bodied; 5 placed.
    assert ">31</div>" in page and ">28</div>" in page and ">5</div>" in page


def test_filters_and_search(world, client, auth):
    factories.person(world.facility_a, last_name="Сварщиков", skills=(("7212", "expert", 9),),
                     file_number="W-1", expected_release_on=date(2099, 1, 1))
    factories.person(world.facility_a, last_name="Швеёв", skills=(("7533", "trainee", 0),),
                     file_number="S-1", no_work_with_minors=True)
    db.session.commit()
    auth.login("inspector_a")

    def names(query):
        page = client.get("/market/roster?" + query).get_data(as_text=True)
        return {n for n in ("Сварщиков", "Швеёв", "Алиев") if n in page}

    assert names("occupation=7212") == {"Сварщиков"}
    assert names("occupation=7533&level=trainee") == {"Швеёв"}
    assert names("q=сварщ") == {"Сварщиков"}  # case-insensitive in Cyrillic
    assert names("q=W-1") == {"Сварщиков"}
    assert names("restriction=no_work_with_minors") == {"Швеёв"}
    assert names("months=600") == {"Сварщиков"}
    assert names("employed=no") == {"Сварщиков", "Швеёв", "Алиев"}


def test_employed_filter_and_sort(world, client, auth):
    factories.placement(world.person_a, world.line_a)
    factories.person(world.facility_a, last_name="Безработный")
    db.session.commit()
    auth.login("inspector_a")
    page = client.get("/market/roster?employed=yes").get_data(as_text=True)
    assert "Алиев" in page and "Безработный" not in page
    page = client.get("/market/roster?sort=-employed").get_data(as_text=True)
    assert page.index("Алиев") < page.index("Безработный")


def test_admin_chooses_a_facility(world, client, auth):
    auth.login("admin")
    page = client.get(f"/market/roster?facility={world.facility_b.id}").get_data(as_text=True)
    assert "Борисов" in page and "Алиев" not in page
    page = client.get("/market/roster").get_data(as_text=True)
    assert "Борисов" in page and "Алиев" in page


def test_other_roles_are_refused(world, client, auth):
    for login in ("analyst", "owner_a"):
        auth.login(login)
        assert client.get("/market/roster").status_code == 403
        assert client.get(f"/people/{world.person_a.id}").status_code == 404
        auth.logout()


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 11, 15), 14) == date(2026, 1, 15)
    assert add_months(date(2024, 5, 1), 0) == date(2024, 5, 1)


def test_home_panel_shows_counts(world, client, auth):
    auth.login("inspector_a")
    page = client.get("/").get_data(as_text=True)
    assert "/market/roster?employed=no" in page or "employed=no" in page
