"""XLSX and CSV exports: read back, formula injection, suppression, file names, audit."""
import csv
import io
import zipfile

import openpyxl
import pytest

from accounts.models import AuditEvent
from extensions import db
from tests import factories

D = "2021-07-01"
DANGEROUS = ["=1+2", "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd", "\ncmd", "   =HYPERLINK(\"x\")",
             "  +cmd", " @x"]


def _workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.data))


def _summary(book):
    sheet = book.worksheets[0]
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=4, max_col=2, values_only=True)
            if row[0]}


def test_xlsx_summary_and_sheets(world, client, auth):
    for _ in range(5):
        factories.placement(factories.person(world.facility_a), world.line_a)
    db.session.commit()
    auth.login("admin")
    response = client.get(f"/reports/export.xlsx?on={D}&lang=en")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert f'filename="employment_{D}.xlsx"' in response.headers["Content-Disposition"]
    book = _workbook(response)
    figures = _summary(book)
    assert figures["In custody"] == 7 and figures["Able-bodied"] == 7
    assert figures["Employed"] == 5 and figures["Employment rate"] == pytest.approx(5 / 7)
    assert figures["Employed in SMEs"] == figures["Employed"]
    assert "трудоустроено" in figures["Paragraph in Russian"]
    assert "орналастырылды" in figures["Paragraph in Kazakh"]
    assert [sheet.title for sheet in book.worksheets][:3] == ["Summary", "By region", "By facility"]
    assert book["Monthly series"].max_row == 13
    # openpyxl drops charts on load: look for the chart part in the file itself.
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())
    db.session.expire_all()
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.detail == f"employment_{D}.xlsx"


def test_xlsx_headers_follow_the_chosen_language(world, client, auth):
    auth.login("analyst")
    english = _workbook(client.get(f"/reports/export.xlsx?on={D}&lang=en"))
    assert english.worksheets[0]["A4"].value == "In custody"
    other = _workbook(client.get(f"/reports/export.xlsx?on={D}&lang=kk"))
    assert other.worksheets[0]["A4"].value  # translated by the catalogue when it is filled


def test_regional_file_name_and_scope(world, client, auth):
    auth.login("analyst_kz71")
    response = client.get(f"/reports/export.xlsx?on={D}&region={world.facility_b.region_id}")
    assert f'filename="employment_{D}_KZ-71.xlsx"' in response.headers["Content-Disposition"]
    book = _workbook(response)
    regions = [row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert regions == ["KZ-71"]


def _inert(value, text):
    """The exported cell holds the text behind a quote: a spreadsheet shows it, never runs it."""
    # XlsxWriter stores CR as the OOXML escape _x000D_, which Excel decodes and openpyxl keeps.
    return value.startswith("'") and value[1:].replace("_x000D_", "\r") == text


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_injection_round_trip(world, client, auth, text):
    world.facility_a.name_ru = world.facility_a.name_kk = world.facility_a.name_en = text
    world.branch.name = text
    db.session.commit()
    auth.login("admin")
    book = _workbook(client.get(f"/reports/export.xlsx?on={D}&lang=ru"))
    sheet = book.worksheets[2]  # by facility: code, name, counts
    row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "FA")
    assert row[1].data_type == "s" and _inert(row[1].value, text), repr(row[1].value)
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.lstrip(" ").startswith(("=", "+", "-", "@", "\t"))
    response = client.get(f"/reports/export.csv?on={D}&table=facility&lang=ru")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    row = next(row for row in rows[1:] if row[0] == "FA")
    assert _inert(row[1], text), repr(row[1])


def test_suppression_in_export_even_for_admin(world, client, auth):
    factories.placement(world.person_a, world.line_a)
    db.session.commit()
    auth.login("admin")
    book = _workbook(client.get(f"/reports/export.xlsx?on={D}&lang=en"))
    facility_rows = list(book["By facility"].iter_rows(min_row=2, values_only=True))
    assert all(row[2] == "<5" and row[5] is None for row in facility_rows)
    gender_rows = list(book["By gender"].iter_rows(min_row=2, values_only=True))
    assert gender_rows[0][1] == "<5"
    # Each region holds one facility: its row is that facility's, hidden alike.
    region_rows = list(book["By region"].iter_rows(min_row=2, values_only=True))
    assert {row[2] for row in region_rows} == {"<5"}


def test_export_stats_command(world, runner, tmp_path):
    out = tmp_path / "stats.xlsx"
    result = runner.invoke(args=["export-stats", "--on", D, "--out", str(out), "--lang", "en",
                                 "--region", "KZ-71"])
    assert result.exit_code == 0, result.output
    figures = _summary(openpyxl.load_workbook(out))
    assert figures["In custody"] == "<5"
    bad = runner.invoke(args=["export-stats", "--on", D, "--out", str(out), "--region", "KZ-00"])
    assert bad.exit_code != 0


def test_full_disk_while_writing_the_workbook(world, client, auth, monkeypatch, tmp_path):
    """XlsxWriter wraps the disk error in its own exception: the user still gets the 507 page
    that names the cause, no file, no audit event, and no temporary files left behind."""
    import errno
    import tempfile

    import xlsxwriter.workbook

    auth.login("analyst")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = db.session.query(AuditEvent).filter_by(action="export", entity="statistics").count()

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", full)
    response = client.get(f"/reports/export.xlsx?on={D}&lang=en")
    assert response.status_code == 507
    page = response.get_data(as_text=True)
    assert "disk space" in page and "Traceback" not in page
    assert response.mimetype == "text/html"
    assert db.session.query(AuditEvent).filter_by(action="export", entity="statistics").count() == before
    assert list(tmp_path.iterdir()) == []

    monkeypatch.undo()  # space is back: the same export works
    assert client.get(f"/reports/export.xlsx?on={D}&lang=en").status_code == 200
