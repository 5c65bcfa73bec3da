"""The evidence pack of a facility, the total deduction cap, the audit on the person's page,
the compliance figures by the facility on the day and the reasons for not working on the
dashboard and in the export, lost-time pay pre-filled from an injury."""
import io
import zipfile
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from compliance.models import Injury, NotWorkingReason
from extensions import db
from inmates.models import Stay
from marketplace import wages
from marketplace.models import WageRecord
from tests import factories
from timeutil import month_start, today

START = month_start(month_start(today()) - timedelta(days=40))  # a month before last
MONTH = START


def _login(client, login):
    client.post("/logout")
    return client.post("/login", data={"login": login, "password": factories.PASSWORD})


def _wages(placement, **changes):
    values = {"days_worked": "20", "hours_worked": "160", "norm_hours": "160", "norm_met": "1",
              "accrued_kzt": "100000", "lost_time_kzt": "0", "deduction_upkeep_kzt": "0",
              "deduction_alimony_kzt": "0", "deduction_damages_kzt": "0",
              "deduction_tax_kzt": "0", "deduction_other_kzt": "0", "credited_kzt": ""}
    values.update(changes)
    return {f"{k}-{placement.id}": v for k, v in values.items()}


def test_the_inspector_downloads_the_evidence_pack_of_their_facility(client, world):
    mine = factories.placement(world.person_a, world.line_a, started_on=START)
    factories.placement(world.person_b, world.line_b, started_on=START)
    db.session.commit()
    _login(client, "inspector_a")
    # Whatever facility the URL names, the inspector's own is the pack's.
    response = client.get("/compliance/evidence", query_string={
        "facility_id": world.facility_b.id, "first_on": START.isoformat(),
        "last_on": today().isoformat(), "lang": "kk"})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.read("summary.pdf").startswith(b"%PDF")
    book = load_workbook(io.BytesIO(archive.read("evidence.xlsx")))
    numbers = {row[0] for sheet in book.worksheets[1:] for row in
               sheet.iter_rows(min_row=2, values_only=True)}
    assert world.person_a.file_number in numbers
    assert world.person_b.file_number not in numbers
    # The placement without consent or briefing is marked as breaking the rules.
    row = next(r for r in book.worksheets[1].iter_rows(values_only=True)
               if r[0] == world.person_a.file_number)
    assert any(isinstance(cell, str) and "келісім" in cell for cell in row), row
    assert mine.id


def test_deductions_within_each_cap_but_over_the_total_cap_are_refused(client, world):
    placement = factories.placement(world.person_a, world.line_a, started_on=START)
    db.session.commit()
    _login(client, "inspector_a")
    url = f"/market/lines/{world.line_a.id}/wages?month={MONTH:%Y-%m}"
    # Upkeep 40 % and alimony 40 % pass their 50 % caps; together 80 % break the 75 % total.
    response = client.post(url, data=_wages(placement, deduction_upkeep_kzt="40000",
                                            deduction_alimony_kzt="40000"))
    assert response.status_code == 422
    assert "The cap on All deductions together is 75% of accrued pay" in response.text
    assert "The cap on Upkeep" not in response.text
    assert db.session.scalars(select(WageRecord)).first() is None
    response = client.post(url, data=_wages(placement, deduction_upkeep_kzt="40000",
                                            deduction_alimony_kzt="35000"))
    assert response.status_code == 302
    assert db.session.scalars(select(WageRecord)).one().credited_kzt == 25000


def test_the_person_page_shows_who_recorded_the_compliance_records(client, world):
    placement = factories.placement(world.person_a, world.line_a, started_on=START)
    db.session.commit()
    _login(client, "inspector_a")
    person = world.person_a
    assert client.post(f"/compliance/people/{person.id}/briefings", data={
        "line_id": world.line_a.id, "briefed_on": START.isoformat(),
        "briefed_by": "Engineer Ospanov", "kind_of_work": "sewing"}).status_code == 302
    assert client.post(f"/compliance/placements/{placement.id}/pauses", data={
        "kind": "sick", "started_on": (START + timedelta(days=2)).isoformat(),
        "ended_on": (START + timedelta(days=4)).isoformat()}).status_code == 302
    page = client.get(f"/people/{person.id}").text
    audit = page[page.index('id="compliance-audit"'):]
    assert "Safety briefing recorded" in audit and "Placement paused" in audit
    assert "inspector_a" in audit
    # Another person's page does not show these records.
    other_person = factories.person(world.facility_a)
    db.session.commit()
    other = client.get(f"/people/{other_person.id}").text
    assert "Placement paused" not in other[other.index('id="compliance-audit"'):]


def test_the_grid_and_the_import_prefill_lost_time_pay_from_the_injury(world):
    placement = factories.placement(world.person_a, world.line_a, started_on=START,
                                    wage_kzt=110000)
    db.session.add(Injury(placement_id=placement.id, occurred_on=START + timedelta(days=9),
                          severity="minor", days_lost=3, cause="needle", measures="guard"))
    db.session.commit()
    row = wages.grid(world.line_a.id, MONTH)[0]
    weekdays = sum(1 for n in range(31) if (MONTH + timedelta(days=n)).month == MONTH.month
                   and (MONTH + timedelta(days=n)).weekday() < 5)
    assert row.prefill["lost_time_kzt"] == 110000 * 3 // weekdays
    assert row.prefill["accrued_kzt"] == 110000
    # The next month has no injury: nothing is pre-filled for lost time.
    following = month_start(MONTH + timedelta(days=32))
    assert "lost_time_kzt" not in wages.grid(world.line_a.id, following)[0].prefill


def test_figures_count_a_person_at_the_facility_of_the_day(client, world):
    """A person transferred from A to B after the period counts at A for it."""
    person = world.person_a
    placement = factories.placement(person, world.line_a, started_on=date(2024, 2, 1),
                                    ended_on=date(2024, 6, 1))
    db.session.add(Injury(placement_id=placement.id, occurred_on=date(2024, 3, 5),
                          severity="minor", days_lost=1, cause="x", measures="y"))
    stay = db.session.scalars(select(Stay).where(Stay.person_id == person.id)).one()
    stay.ended_on, stay.end_reason = date(2024, 7, 1), "transferred"
    db.session.add(Stay(person_id=person.id, facility_id=world.facility_b.id,
                        started_on=date(2024, 7, 1)))
    person.facility_id = world.facility_b.id
    db.session.commit()
    _login(client, "admin")
    page = client.get("/compliance/figures", query_string={
        "first_on": "2024-01-01", "last_on": "2024-04-30"}).text
    by_facility = page[page.index('id="by-facility"'):page.index('id="by-enterprise"')]
    assert world.facility_a.code in by_facility
    assert world.facility_b.code not in by_facility
    # A refused date says so next to the field and the page still answers.
    response = client.get("/compliance/figures", query_string={"first_on": "0001-01-01"})
    assert response.status_code == 200 and "Choose a date between" in response.text
    response = client.get("/compliance/figures", query_string={
        "first_on": "2024-05-01", "last_on": "2024-04-01"})
    assert "The period ends before it starts." in response.text


def test_analysts_see_small_cells_suppressed(client, world):
    factories.placement(world.person_a, world.line_a, started_on=START)
    db.session.commit()
    _login(client, "analyst")
    page = client.get("/compliance/figures").text
    by_facility = page[page.index('id="by-facility"'):page.index('id="by-enterprise"')]
    assert "&lt;5" in by_facility
    _login(client, "admin")
    page = client.get("/compliance/figures").text
    by_facility = page[page.index('id="by-facility"'):page.index('id="by-enterprise"')]
    assert "&lt;5" not in by_facility


def _idle(world, count, reason=None):
    people = [factories.person(world.facility_a, admitted_on=date(2020, 1, 1))
              for _ in range(count)]
    for person in people:
        if reason:
            db.session.add(NotWorkingReason(person_id=person.id, reason=reason,
                                            since_on=date(2024, 1, 1)))
    return people


def test_the_dashboard_and_the_export_show_why_the_idle_are_idle(client, world):
    _idle(world, 6, "no_vacancy")
    _idle(world, 2, "education")
    db.session.commit()
    _login(client, "admin")
    page = client.get("/reports/", query_string={"on": today().isoformat()}).text
    section = page[page.index('id="section-not_working"'):]
    assert "Why the able-bodied without work are without work" in section
    assert "No suitable vacancy" in section and "In education" in section
    assert "latest reason" in section  # the definition is shown with the figures
    _login(client, "analyst")
    page = client.get("/reports/").text
    section = page[page.index('id="section-not_working"'):]
    assert "&lt;5" in section  # the two in education
    response = client.get("/reports/export.xlsx", query_string={"lang": "ru"})
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Почему трудоспособные осуждённы"]
    rows = list(sheet.iter_rows(values_only=True))
    values = {row[0]: row[1] for row in rows[1:7]}
    assert rows[0][0] == "Причина нетрудоустройства"
    assert values["Нет подходящей вакансии"] == 6 and values["Обучается"] == "<5"
    assert any(row[0] and str(row[0]).startswith("Причины нетрудоустройства:") for row in rows)
