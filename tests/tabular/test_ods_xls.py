"""ODS and XLS uploads: LibreOffice's files import letter for letter through the roster page;
hostile ones are refused before the reader opens them, with the same words as an XLSX.

ODS and XLS files are made by LibreOffice from an XLSX written with openpyxl (slow), or by
hand here as a zip of XML parts, to hold what no office program writes.
"""
import io
import random
import re
import struct
import zipfile
from datetime import date, timedelta

import openpyxl
import pytest
import xlsxwriter
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

import tabular
from extensions import db
from inmates.models import Person
from tabular import Column, TableError, read_table

from .office import convert

COLUMNS = [Column("file_number", _l("File number"), required=True),
           Column("last_name", _l("Last name")), Column("amount", _l("Amount"))]
KAZAKH = ["Әбдіқадырұлы", "Ғалымжан", "Құдайбергенов", "Ңңөұүһі ӘҒҚҢӨҰҮҺІ"]
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
CONTENT = ('<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content '
           'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           f'xmlns:table="{TABLE}" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'office:version="1.3"><office:body><office:spreadsheet>{tables}'
           '</office:spreadsheet></office:body></office:document-content>')
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
            'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry'
            ' manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
            'spreadsheet"/></manifest:manifest>')
# LibreOffice ends every sheet so:
TRAILING = ('<table:table-row table:number-rows-repeated="1048553"><table:table-cell '
            'table:number-columns-repeated="1024"/></table:table-row>')


@pytest.fixture(autouse=True)
def english(app, tmp_path):
    app.config["IMPORT_FOLDER"] = str(tmp_path)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


class _NeverLoaded:
    """Stands in for the reader's library to show that a refused file never reaches it."""

    @staticmethod
    def from_path(*args, **kwargs):
        raise AssertionError("the workbook must not be loaded")

    from_filelike = from_path


@pytest.fixture
def never_loaded(monkeypatch):
    monkeypatch.setattr(tabular.reader, "CalamineWorkbook", _NeverLoaded)


def cell(value, repeat=1, formula=None):
    """One ODS cell: a string, a number, or None for an empty one."""
    attributes = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if formula:
        attributes += f' table:formula="{formula}"'
    if value is None:
        return f"<table:table-cell{attributes}/>"
    if isinstance(value, str):
        return (f'<table:table-cell office:value-type="string"{attributes}>'
                f"<text:p>{value}</text:p></table:table-cell>")
    return (f'<table:table-cell office:value-type="float" office:value="{value}"{attributes}>'
            f"<text:p>{value}</text:p></table:table-cell>")


def row(*cells, repeat=1):
    attributes = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attributes}>{''.join(cells)}</table:table-row>"


def table(*rows, name="Sheet1"):
    return f'<table:table table:name="{name}">{"".join(rows)}</table:table>'


HEADER = row(cell("File number"), cell("Last name"), cell("Amount"))


def ods(*tables, prolog="", parts=None):
    """A hand-made ODS: its mimetype first and stored, as the format asks, then its parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"),
                         "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        archive.writestr("content.xml", CONTENT.format(prolog=prolog, tables="".join(tables)))
        for name, body in (parts or {}).items():
            archive.writestr(name, body)
    return out.getvalue()


def refused(data, name):
    with pytest.raises(TableError) as error:
        read_table(data, name, COLUMNS)
    return error.value.message


def test_a_hand_made_ods_reads_with_kazakh_letters_and_repeated_cells():
    data = ods(table(HEADER, row(cell("12-0001"), cell(KAZAKH[0]), cell(1250.5)),
                     row(cell("12-0002"), cell(KAZAKH[3]), cell(7), repeat=2), TRAILING))
    rows = read_table(data, "people.ODS", COLUMNS)
    assert [r.number for r in rows] == [2, 3, 4]
    assert rows[0].values["last_name"].encode("utf-8") == KAZAKH[0].encode("utf-8")
    assert rows[2].values == {"file_number": "12-0002", "last_name": KAZAKH[3], "amount": 7}


def test_libreoffice_trailing_repeated_empty_rows_and_cells_are_accepted(never_loaded, app):
    app.config["IMPORT_MAX_ROWS"] = 10
    data = ods(table(HEADER, row(cell("1"), cell("A"), cell(None, repeat=16381)), TRAILING),
               table(row(cell("codes")), TRAILING, name="Codes"))
    assert tabular.ods.check_ods(data, tabular.caps.limits()) == set()


def test_a_value_repeated_two_million_rows_is_refused_before_parsing(never_loaded):
    data = ods(table(HEADER, row(cell("1"), cell("A"), repeat=2_000_000)))
    assert len(data) < 2_000
    assert refused(data, "bomb.ods") == "The file has more than 50000 rows."


@pytest.mark.parametrize("rows, message", [
    ([row(cell(None), repeat=1_000_000), row(cell("far"))], "more than 50000 rows"),
    ([row(cell("1"), cell(None, repeat=100_000_000), cell("far"))], "beyond column 60"),
    ([row(cell("1"), cell("wide", repeat=61))], "beyond column 60"),
])
def test_a_value_after_a_long_empty_run_or_repeated_wide_is_refused(never_loaded, rows, message):
    assert message in refused(ods(table(HEADER, *rows)), "far.ods")


def test_sheets_within_the_caps_that_are_too_large_together_are_refused(never_loaded, app):
    app.config.update(IMPORT_MAX_ROWS=100, IMPORT_MAX_COLUMNS=10)  # 1,010 cells in all
    sheet = [HEADER, row(*[cell(1)] * 10, repeat=90)]
    assert "too large together" in refused(ods(*(table(*sheet, name=f"S{n}") for n in range(3))),
                                           "three.ods")


@pytest.mark.parametrize("prolog, parts", [
    ('<!DOCTYPE office:document-content [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>', {}),
    ("", {"styles.xml": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
                        '"file:///etc/passwd">]><x>&e;</x>'}),
])
def test_an_ods_declaring_a_dtd_is_refused(never_loaded, prolog, parts):
    data = ods(table(HEADER, row(cell("1"), cell("A"))), prolog=prolog, parts=parts)
    assert "declares XML entities" in refused(data, "dtd.ods")


def test_a_dtd_far_down_content_xml_is_refused(never_loaded):
    noise = random.Random(0).randbytes(100_000).hex()  # past the head, and not a zip bomb
    data = ods(table(HEADER, row(cell("1"), cell("A"))), prolog=f"<!--{noise}-->"
               '<!DOCTYPE office:document-content [<!ENTITY a "aaaaaaaaaa">]>')
    assert "declares XML entities" in refused(data, "dtd.ods")


@pytest.mark.parametrize("name", ["roster.ods", "roster.xls"])
@pytest.mark.parametrize("body", [b"%PDF-1.7\n" + b"\x00" * 600, b"PK\x03\x04 not a zip",
                                  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600])
def test_a_renamed_file_is_refused(never_loaded, name, body):
    assert "not a valid" in refused(body, name)


def test_an_xls_is_still_refused_as_a_csv(never_loaded):
    assert refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"File number\n", "a.csv") == \
        "The file is not a valid CSV file."


def test_an_xlsx_renamed_ods_is_refused(never_loaded):
    book = openpyxl.Workbook()
    book.active.append(["File number"])
    out = io.BytesIO()
    book.save(out)
    assert refused(out.getvalue(), "a.ods") == "The file is not a valid ODS spreadsheet."


def test_a_zip_that_is_both_ods_and_xlsx_is_read_as_the_ods_that_was_checked():
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["File number", "Last name"])
    sheet.write_row(1, 0, ["from the xlsx", "X"])
    book.close()
    xlsx = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    both = ods(table(HEADER, row(cell("from the ods"), cell("O"))),
               parts={n: xlsx.read(n) for n in xlsx.namelist()})
    rows = read_table(both, "both.ods", COLUMNS)
    assert [r.values["file_number"] for r in rows] == ["from the ods"]


def test_a_formula_cell_in_an_ods_refuses_its_row():
    data = ods(table(HEADER, row(cell("1"), cell("A"), cell(3)),
                     row(cell("2"), cell("B"), cell(3000, formula="of:=[.C2]*1000"))))
    rows = read_table(data, "f.ods", COLUMNS)
    assert rows[0].errors == [] and rows[0].values["amount"] == 3
    assert rows[1].values["amount"] is None
    assert rows[1].errors == ["Amount: formulas are not accepted, enter the value itself."]


def test_a_formula_on_another_sheet_is_read_there_not_here():
    data = ods(table(HEADER, row(cell("1"), cell("A"), cell(3))),
               table(row(cell(None), cell(None), cell(9, formula="of:=1+8")), name="Other"))
    assert read_table(data, "f.ods", COLUMNS)[0].errors == []


# --- Real files, written by LibreOffice ---------------------------------------------------

def openpyxl_bytes(rows):
    book = openpyxl.Workbook()
    for values in rows:
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_libreoffice_formula_cells_refuse_their_rows(kind):
    source = openpyxl_bytes([["File number", "Last name", "Amount"], ["1", "Әбді", 3],
                             ["2", "B", "=C2*1000"]])
    rows = read_table(convert((source, "f.xlsx"), kind), f"f.{kind}", COLUMNS)
    assert rows[0].values == {"file_number": "1", "last_name": "Әбді", "amount": 3}
    assert rows[1].values["amount"] is None and "formula" in rows[1].errors[0]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["ods", "xls"])
@pytest.mark.parametrize("far, message", [((65536, 1), "more than 50000 rows"),
                                          ((2, 256), "beyond column 60")])
def test_one_libreoffice_cell_far_away_is_refused_before_parsing(monkeypatch, kind, far, message):
    book = openpyxl.Workbook()
    book.active.append(["File number", "Last name"])
    book.active.cell(row=far[0], column=far[1], value="far")
    out = io.BytesIO()
    book.save(out)
    data = convert((out.getvalue(), "far.xlsx"), kind)
    assert len(data) < 20_000  # calamine alone would build a 65,536 x 256 sheet: 1 GB
    monkeypatch.setattr(tabular.reader, "CalamineWorkbook", _NeverLoaded)
    assert message in refused(data, f"far.{kind}")


def _formula_record(data, row, column):
    """Return the offset of the FORMULA record of a cell in an XLS's bytes."""
    cell_at = re.escape(struct.pack("<HH", row, column))
    for found in re.finditer(rb"\x06\x00(..)" + cell_at, data, re.S):
        if struct.unpack("<H", found[1])[0] >= 22:
            return found.start()
    raise AssertionError("no formula record")


@pytest.mark.slow
def test_an_xls_formula_too_costly_to_rebuild_is_refused_before_parsing(never_loaded):
    source = openpyxl_bytes([["File number"], ["=" + "+".join(["1"] * 1000)]])
    xls = bytearray(convert((source, "long.xlsx"), "xls"))
    at = _formula_record(bytes(xls), 1, 0) + 4
    size = struct.unpack_from("<H", xls, at + 20)[0] - 3  # keep the first number
    costly = bytearray(xls)  # the rest become space tokens, 255 spaces each
    costly[at + 25:at + 25 + size] = (b"\x19\x40\x00\xff" * size)[:size]
    assert "formulas" in refused(bytes(costly), "costly.xls")


@pytest.mark.slow
def test_a_damaged_xls_formula_is_refused_as_not_valid_not_a_crash():
    xls = bytearray(convert((openpyxl_bytes([["File number"], ["1"], ["=2*1000"]]), "d.xlsx"),
                            "xls"))
    at = _formula_record(bytes(xls), 2, 0) + 4
    size = struct.unpack_from("<H", xls, at + 20)[0]
    xls[at + 22 + size - 1] = 0x1F  # a number token with no number after it
    assert refused(bytes(xls), "damaged.xls") == "The file is not a valid XLS workbook."


def filled_roster(template, facility_code, people):
    """Fill the roster template's data sheet with ``people`` as an inspector would."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    sheet.delete_rows(2)
    for n, (last, first) in enumerate(people):
        sheet.append([facility_code, f"KZ-{n:04d}", last, first, "Ұланұлы", None,
                      date(1980, 1, 1) + timedelta(days=n * 40), "Ер", date(2022, 5, 1),
                      date(2029, 5, 1), "иә", None, "Техникалық және кәсіптік", None,
                      "7533:Білікті:2:иә"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_a_libreoffice_roster_imports_kazakh_letters_byte_for_byte(world, client, auth, kind):
    auth.login("inspector_a")
    client.post("/language", data={"lang": "kk"})
    page = client.get("/people/import").get_data(as_text=True)
    assert 'accept=".xlsx,.xls,.ods,.csv"' in page and "XLSX, XLS, ODS" in page
    people = [(KAZAKH[0], KAZAKH[1]), (KAZAKH[2], KAZAKH[3]), ("Сейтқали", "Нұрлан")]
    template = client.get("/people/import/template").data
    data = convert((filled_roster(template, world.facility_a.code, people), "roster.xlsx"), kind)
    if kind == "ods":  # LibreOffice's own trailing empty rows are there, and pass
        content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml")
        assert re.search(rb'number-rows-repeated="1\d{6}"', content)
    page = client.post("/people/import", data={"file": (io.BytesIO(data), f"roster.{kind}")},
                       content_type="multipart/form-data").get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    assert token, page[:3000]
    assert client.post("/people/import/confirm", data={"token": token.group(1)}).status_code == 302
    db.session.expire_all()
    saved = db.session.execute(select(Person.file_number, Person.last_name, Person.first_name)
                               .where(Person.file_number.like("KZ-%"))
                               .order_by(Person.file_number)).all()
    assert [(number, last.encode("utf-8"), first.encode("utf-8"))
            for number, last, first in saved] == [
        (f"KZ-{n:04d}", last.encode("utf-8"), first.encode("utf-8"))
        for n, (last, first) in enumerate(people)]
