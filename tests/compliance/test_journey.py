"""Consent, briefing, pause, injury, capped wages, the account and the evidence pack, through
the client as the inspector, the owner and the analyst would use them."""
import io
import zipfile
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from compliance.models import Consent, Injury, Pause, WageCheck
from extensions import db
from marketplace.models import Placement, WageRecord
from tests import factories
from tests.markup import error_near
from timeutil import month_start, today

START = month_start(month_start(today()) - timedelta(days=40))  # a month before last
MONTH = month_start(START)


def _login(client, login):
    client.post("/logout")
    return client.post("/login", data={"login": login, "password": factories.PASSWORD})


def _place(client, world):
    return client.post(f"/market/lines/{world.line_a.id}/place",
                       data={"person_id": world.person_a.id, "started_on": START.isoformat()})


def _placement():
    db.session.expire_all()
    return db.session.scalars(select(Placement)).first()


def wage_form(placement, **changes):
    values = {"days_worked": "20", "hours_worked": "160", "norm_hours": "160", "norm_met": "1",
              "accrued_kzt": "100000", "lost_time_kzt": "9000", "deduction_upkeep_kzt": "30000",
              "deduction_alimony_kzt": "0", "deduction_damages_kzt": "0",
              "deduction_tax_kzt": "10000", "deduction_other_kzt": "0", "credited_kzt": ""}
    values.update(changes)
    return {f"{k}-{placement.id}": v for k, v in values.items()}


def test_the_inspector_owner_and_analyst_journey(client, world):
    person = world.person_a
    _login(client, "inspector_a")
    # Without consent an SME placement is refused, with a message saying what to do.
    response = _place(client, world)
    assert _placement() is None
    page = client.get(f"/compliance/people/{person.id}")
    assert page.status_code == 200
    # Consent and a briefing, before the first day; a scanned PDF goes with the consent.
    response = client.post(f"/compliance/people/{person.id}/consents", data={
        "line_id": world.line_a.id, "taken_on": (START - timedelta(days=2)).isoformat(),
        "taken_by": "Inspector Sadykova",
        "document": (io.BytesIO(b"%PDF-1.4 consent"), "consent.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    response = client.post(f"/compliance/people/{person.id}/briefings", data={
        "line_id": world.line_a.id, "briefed_on": (START - timedelta(days=1)).isoformat(),
        "briefed_by": "Engineer Ospanov", "kind_of_work": "sewing machines"})
    assert response.status_code == 302
    assert _place(client, world).status_code in (200, 302)
    placement = _placement()
    assert placement is not None and placement.started_on == START
    consent = db.session.scalars(select(Consent)).one()
    document = client.get(f"/compliance/consents/{consent.id}/document")
    assert document.status_code == 200 and document.data.startswith(b"%PDF")
    # Pause for sickness, then an overlapping pause is refused next to the field.
    response = client.post(f"/compliance/placements/{placement.id}/pauses", data={
        "kind": "sick", "started_on": (START + timedelta(days=3)).isoformat(),
        "ended_on": (START + timedelta(days=8)).isoformat()})
    assert response.status_code == 302
    response = client.post(f"/compliance/placements/{placement.id}/pauses", data={
        "kind": "absence", "started_on": (START + timedelta(days=5)).isoformat()})
    assert response.status_code == 422 and "overlaps another" in response.text
    assert len(db.session.scalars(select(Pause)).all()) == 1
    assert _placement().holds_place()  # the paused placement keeps its place
    # An injury with 3 lost days; one dated before the placement is refused.
    response = client.post(f"/compliance/placements/{placement.id}/injuries", data={
        "occurred_on": (START - timedelta(days=5)).isoformat(), "severity": "minor",
        "days_lost": "3", "cause": "needle", "measures": "guard fitted"})
    assert response.status_code == 422 and "within the placement" in response.text
    response = client.post(f"/compliance/placements/{placement.id}/injuries", data={
        "occurred_on": (START + timedelta(days=10)).isoformat(), "severity": "minor",
        "days_lost": "3", "cause": "needle", "measures": "guard fitted"})
    assert response.status_code == 302
    assert db.session.scalars(select(Injury)).one().days_lost == 3
    # The month's wages: upkeep over its cap is refused, naming the cap; then within it.
    url = f"/market/lines/{world.line_a.id}/wages?month={MONTH:%Y-%m}"
    response = client.post(url, data=wage_form(placement, deduction_upkeep_kzt="60000"))
    assert response.status_code == 422 and "The cap on Upkeep" in response.text, response.text[response.text.find("invalid-feedback"):][:600]
    assert db.session.scalars(select(WageRecord)).first() is None
    response = client.post(url, data=wage_form(placement))
    assert response.status_code == 302
    record = db.session.scalars(select(WageRecord)).one()
    assert record.lost_time_kzt == 9000 and record.credited_kzt == 60000
    check = db.session.get(WageCheck, record.id)
    assert check.savings_kzt == 6000  # the placeholder 10 % share
    # The balance and the savings: on the compliance page and the person's page.
    page = client.get(f"/compliance/people/{person.id}").text
    assert "60,000" in page and "6,000" in page
    assert "Account balance" in client.get(f"/people/{person.id}").text
    # The owner downloads the evidence pack and finds all of it.
    _login(client, "owner_a")
    response = client.get("/compliance/evidence", query_string={
        "first_on": (START - timedelta(days=31)).isoformat(), "last_on": today().isoformat(),
        "lang": "ru"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.read("summary.pdf").startswith(b"%PDF")
    book = load_workbook(io.BytesIO(archive.read("evidence.xlsx")))
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    assert rows[1][0] == person.file_number and rows[1][8] == 1 and rows[1][9] == 3
    months = list(book.worksheets[2].iter_rows(values_only=True))
    assert months[1][1] == f"{MONTH:%Y-%m}" and months[1][7] == 9000
    # The analyst sees the compliance figures for the country and one region.
    _login(client, "analyst")
    country = client.get("/compliance/figures")
    assert country.status_code == 200 and "Injuries per 100 workers" in country.text
    region = client.get("/compliance/figures", query_string={"region": world.facility_a.region_id})
    assert region.status_code == 200 and world.facility_a.code in region.text
    pack = client.get("/compliance/evidence", query_string={
        "enterprise_id": world.sme_a.id, "first_on": START.isoformat(),
        "last_on": today().isoformat(), "lang": "kk"})
    book = load_workbook(io.BytesIO(zipfile.ZipFile(io.BytesIO(pack.data)).read("evidence.xlsx")))
    assert len(book.worksheets) == 1  # aggregates only: no names, no file numbers


def test_withdrawing_consent_ends_the_placement(client, world):
    factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 10))
    db.session.add(Consent(person_id=world.person_a.id, line_id=world.line_a.id,
                           taken_on=date(2024, 1, 5), taken_by="X"))
    db.session.commit()
    _login(client, "inspector_a")
    consent = db.session.scalars(select(Consent)).one()
    response = client.post(f"/compliance/consents/{consent.id}/withdraw",
                           data={"withdrawn_on": "2024-03-01"})
    assert response.status_code == 302
    placement = _placement()
    assert placement.ended_on == date(2024, 3, 1) and placement.end_reason == "withdrawn"


def test_a_refused_withdrawal_shows_its_message_at_that_consent_only(client, world):
    second = factories.line(world.sme_a, world.facility_a, lease=world.lease_a, title="Цех 2")
    first, other = factories.consents([world.person_a], [world.line_a, second],
                                      taken_on=date(2024, 1, 5))
    db.session.commit()
    _login(client, "inspector_a")
    response = client.post(f"/compliance/consents/{first.id}/withdraw",
                           data={"withdrawn_on": "2024-01-01"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "before it was taken" in (error_near(page, f"withdrawn_on-consent-{first.id}") or "")
    assert error_near(page, f"withdrawn_on-consent-{other.id}") is None
    assert page.count("before it was taken") == 1
    db.session.expire_all()
    assert db.session.get(Consent, first.id).withdrawn_on is None


def test_late_consent_is_refused_unless_marked_late(client, world):
    factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 10))
    db.session.commit()
    _login(client, "inspector_a")
    data = {"line_id": world.line_a.id, "taken_on": "2024-02-01", "taken_by": "X"}
    response = client.post(f"/compliance/people/{world.person_a.id}/consents", data=data)
    assert response.status_code == 422 and "late record" in response.text
    assert db.session.scalars(select(Consent)).first() is None
    response = client.post(f"/compliance/people/{world.person_a.id}/consents",
                           data={**data, "late": "y"})
    assert response.status_code == 302 and db.session.scalars(select(Consent)).one().late


def test_a_document_that_is_not_a_pdf_or_jpeg_is_refused(client, world):
    _login(client, "inspector_a")
    response = client.post(f"/compliance/people/{world.person_a.id}/consents", data={
        "line_id": world.line_a.id, "taken_on": "2024-02-01", "taken_by": "X",
        "document": (io.BytesIO(b"<html>pdf</html>"), "fake.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 422 and "PDF or a JPEG" in response.text
    assert db.session.scalars(select(Consent)).first() is None


def test_another_facility_s_person_is_a_404(client, world):
    _login(client, "inspector_b")
    assert client.get(f"/compliance/people/{world.person_a.id}").status_code == 404


def test_a_line_over_the_statutory_week_is_refused(client, world):
    _login(client, "owner_a")
    response = client.post(f"/enterprises/lines/{world.line_a.id}/edit", data={
        "title": "Швейный цех", "headcount": "5", "hours_per_week": "45", "wage_kzt": "90000",
        "min_months_left": "0", "facility_id": world.facility_a.id,
        "lease_id": world.lease_a.id, "occupations-0-code": "7533",
        "occupations-0-min_level": "trainee", "version_id": world.line_a.version_id})
    assert "statutory working week" in response.text


def test_an_injury_after_an_ended_placement_names_its_end(client, world):
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 10),
                                    ended_on=date(2024, 3, 1), end_reason="released")
    db.session.commit()
    _login(client, "inspector_a")
    response = client.post(f"/compliance/placements/{placement.id}/injuries", data={
        "occurred_on": "2024-03-05", "severity": "minor", "days_lost": "1", "cause": "needle",
        "measures": "guard fitted"})
    assert response.status_code == 422 and "to before" in response.text
    assert db.session.scalars(select(Injury)).all() == []


def _consent_with_document(client, world):
    return client.post(f"/compliance/people/{world.person_a.id}/consents", data={
        "line_id": world.line_a.id, "taken_on": "2024-02-01", "taken_by": "Inspector Sadykova",
        "document": (io.BytesIO(b"%PDF-1.4 consent"), "consent.pdf")},
        content_type="multipart/form-data")


def test_a_consent_whose_save_fails_leaves_no_document_behind(app, client, world, tmp_path,
                                                               monkeypatch):
    """The scanned document is kept with its record or not at all: when the commit fails
    (the database gone), the file written for it is removed again."""
    from sqlalchemy.exc import OperationalError

    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    _login(client, "inspector_a")

    def gone():
        raise OperationalError("COMMIT", {}, Exception("the database is gone"))

    monkeypatch.setattr(db.session, "commit", gone)
    response = _consent_with_document(client, world)
    monkeypatch.undo()
    assert response.status_code == 503
    assert db.session.scalars(select(Consent)).first() is None
    assert not list((tmp_path / "consents").glob("*"))
    # Saved, the document stays with its record.
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    assert _consent_with_document(client, world).status_code == 302
    consent = db.session.scalars(select(Consent)).one()
    assert [p.name for p in (tmp_path / "consents").glob("*")] == [consent.document_name]
