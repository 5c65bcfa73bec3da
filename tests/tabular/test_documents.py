"""The printed documents are PDFs in Kazakh or Russian with the facility's and enterprise's
details, and their figures read back from the PDF text."""
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from extensions import db
from marketplace.models import WageRecord
from tests import factories

from .office import opens


@pytest.fixture
def worked(world):
    """person_a on line_a since February 2021, with two months of wages."""
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2021, 2, 1),
                                    wage_kzt=90000)
    for month, accrued, upkeep, alimony in ((date(2021, 2, 1), 120000, 30000, 10000),
                                            (date(2021, 3, 1), 100000, 25000, 0)):
        db.session.add(WageRecord(placement_id=placement.id, month=month, days_worked=20,
                                  hours_worked=160, norm_hours=160, norm_met=True,
                                  accrued_kzt=accrued, deduction_upkeep_kzt=upkeep,
                                  deduction_alimony_kzt=alimony,
                                  credited_kzt=accrued - upkeep - alimony))
    db.session.commit()
    return placement


def pdf(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/pdf" and response.headers["Cache-Control"] == "no-store"
    return response.data


def text_of(data):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[\u00a0\u202f ]+", " ", text)


def test_a_placement_order_in_kazakh_and_russian(world, worked, client, auth):
    auth.login("inspector_a")
    kk = text_of(pdf(client, f"/market/placements/{worked.id}/order.pdf?lang=kk"))
    ru = text_of(pdf(client, f"/market/placements/{worked.id}/order.pdf?lang=ru"))
    for text in (kk, ru):
        assert "Алиев" in text and world.person_a.file_number in text
        assert "ТОО Тігін" in text and world.sme_a.bin in text and "FA" in text
        assert "90 000" in text
    assert kk != ru


def test_a_work_record_has_every_month_deductions_and_totals(world, worked, client, auth):
    auth.login("inspector_a")
    text = text_of(pdf(client, f"/market/people/{world.person_a.id}/work-record.pdf?lang=ru"))
    assert "02.2021" in text and "03.2021" in text
    for figure in ("120 000", "100 000", "220 000", "55 000", "10 000", "155 000", "80 000"):
        assert figure in text, figure


def test_documents_show_whether_the_placement_still_holds_its_place(world, worked, client, auth):
    auth.login("inspector_a")
    record = f"/market/people/{world.person_a.id}/work-record.pdf?lang=ru"
    order = f"/market/placements/{worked.id}/order.pdf?lang=ru"
    assert "1 февр. 2021 г. — по настоящее время" in text_of(pdf(client, record))
    assert "Окончание" not in text_of(pdf(client, order))
    worked.ended_on, worked.end_reason = date(2021, 4, 1), "released"
    db.session.commit()
    assert "1 февр. 2021 г. — 1 апр. 2021 г." in text_of(pdf(client, record))
    assert "Окончание 1 апр. 2021 г." in text_of(pdf(client, order))


def test_a_payroll_sheet_lists_the_months_workers_and_totals(world, worked, client, auth):
    other = factories.person(world.facility_a, last_name="Жұмабаев")
    factories.placement(other, world.line_a, started_on=date(2021, 1, 5))
    db.session.commit()
    auth.login("owner_a")
    text = text_of(pdf(client, f"/market/lines/{world.line_a.id}/wages/payroll.pdf"
                               f"?month=2021-02&lang=kk"))
    assert "Алиев" in text and "Жұмабаев" in text and "ТОО Тігін" in text
    assert "120 000" in text and "80 000" in text


def test_another_scopes_document_is_a_404(world, worked, client, auth):
    auth.login("inspector_b")
    assert client.get(f"/market/people/{world.person_a.id}/work-record.pdf").status_code == 404
    assert client.get(f"/market/placements/{worked.id}/order.pdf").status_code == 404


@pytest.mark.slow
def test_each_document_opens_in_libreoffice(world, worked, client, auth):
    auth.login("inspector_a")
    for url in (f"/market/placements/{worked.id}/order.pdf",
                f"/market/people/{world.person_a.id}/work-record.pdf",
                f"/market/lines/{world.line_a.id}/wages/payroll.pdf?month=2021-02"):
        assert opens(pdf(client, url), "document.pdf", "odg"), url
