"""Roster import: what the confirmation does when the database changed after the preview
(an IIN or a file number taken meanwhile, an occupation removed): every row or none, and
the reason on its row."""
import pytest
from sqlalchemy import func, select, text

from extensions import db
from inmates.models import Person, Skill
from tests import factories
from tests.inmates.test_import_roster import (  # noqa: F401  (import_folder: autouse fixture)
    confirm, counts, import_folder, row, upload, xlsx)
from tests.inmates.test_inmates_people import english  # noqa: F401  (autouse fixture)


def test_an_iin_taken_between_preview_and_confirmation_saves_nothing(world, client, auth):
    auth.login("inspector_a")
    before = counts()
    preview = upload(client, xlsx([row(), row(**{"File number": "IMP-2", "IIN": ""})]))
    world.person_b.iin = "791028302728"
    db.session.commit()
    page = confirm(client, preview).get_data(as_text=True)
    assert "another person already has this IIN" in page
    assert counts() == before


def test_a_new_person_whose_file_number_appears_meanwhile_is_updated_not_doubled(
        world, client, auth):
    """A row that named a new person at the preview names one added meanwhile at the same
    facility by the confirmation: that person is updated from the row, none is added twice."""
    auth.login("inspector_a")
    preview = upload(client, xlsx([row(), row(**{"File number": "IMP-2", "IIN": ""})]))
    factories.person(world.facility_a, file_number="IMP-1", last_name="Другой")
    db.session.commit()
    assert confirm(client, preview).status_code == 302
    db.session.expire_all()
    people = db.session.scalars(select(Person).where(Person.file_number == "IMP-1")).all()
    assert [p.last_name for p in people] == ["Сейтқали"]
    assert db.session.scalars(select(Person).where(Person.file_number == "IMP-2")).one()


def test_a_file_number_taken_meanwhile_at_another_facility_saves_nothing(world, client, auth):
    auth.login("inspector_a")
    preview = upload(client, xlsx([row(), row(**{"File number": "IMP-2", "IIN": ""})]))
    factories.person(world.facility_b, file_number="IMP-2")
    db.session.commit()
    before = counts()
    page = confirm(client, preview).get_data(as_text=True)
    assert "belongs to a person at another facility" in page
    assert counts() == before


def test_an_occupation_removed_meanwhile_saves_nothing(world, client, auth):
    """The database refuses what the checks passed: nothing is saved, the inspector is told."""
    from enterprises.models import LineOccupation
    from reference.models import Occupation
    unused = db.session.scalar(select(Occupation.code).where(
        Occupation.code.not_in(select(Skill.occupation_code)),
        Occupation.code.not_in(select(LineOccupation.occupation_code))).limit(1))
    auth.login("inspector_a")
    skills = "Skills (code:level:years:certified; ...)"
    preview = upload(client, xlsx([row(**{"IIN": "", skills: f"{unused}:qualified:1:no"})]))
    assert 'name="token"' in preview.get_data(as_text=True)
    db.session.delete(db.session.get(Occupation, unused))
    db.session.commit()
    before = counts()
    response = confirm(client, preview)
    assert response.status_code == 302 and response.location.endswith("/people/import")
    assert counts() == before


def test_an_import_that_outgrows_the_planners_statistics_gathers_new_ones(world, client, auth):
    """On PostgreSQL the planner's row counts of the roster's tables follow an import that
    grows them by more than a tenth (the roster's pages are planned with them right after);
    SQLite keeps no such statistics."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner statistics; SQLite has none to gather")
    auth.login("inspector_a")
    rows = [row(**{"File number": f"IMP-{n}", "IIN": ""}) for n in range(1, 41)]
    assert confirm(client, upload(client, xlsx(rows))).status_code == 302

    def counted(table):
        return db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = :t"),
                                 {"t": table})
    people = db.session.scalar(select(func.count()).select_from(Person))
    assert counted("person") == people >= 40
    assert counted("stay") >= 40 and counted("skill") >= 0
