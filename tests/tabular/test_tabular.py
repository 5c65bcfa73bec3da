"""The generic spreadsheet reader and template writer in tabular.py."""
import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

import tabular
from tabular import (CellError, Column, TableError, neutralise, parse_bool, parse_date, parse_int,
                     read_table, template_xlsx)

COLUMNS = [Column("file_number", _l("File number"), required=True),
           Column("born", _l("Birth date")), Column("amount", _l("Amount"))]


@pytest.fixture(autouse=True)
def request_context(request):
    """Messages are translated for a request's language, so read inside one."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def xlsx(rows):
    """Return XLSX bytes with the given rows on the first sheet."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_defusedxml_is_used_by_openpyxl():
    assert openpyxl.DEFUSEDXML is True


def test_neutralise_keeps_its_behaviour():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("  @x") == "'  @x"
    assert neutralise("-5") == "'-5"
    assert neutralise("Алиев") == "Алиев"
    assert neutralise(5) == 5
    assert neutralise("") == ""


def test_reads_xlsx_with_row_numbers_and_values(app):
    data = xlsx([["File number", "Birth date", "Amount"], ["A-1", datetime(1980, 1, 2), 5.0],
                 [None, None, None], ["A-2", "02.03.1990", "7"]])
    rows = read_table(data, "people.XLSX", COLUMNS)
    assert [r.number for r in rows] == [2, 4]
    assert rows[0].values == {"file_number": "A-1", "born": date(1980, 1, 2), "amount": 5}
    assert rows[1].values["born"] == "02.03.1990"
    assert all(not r.errors for r in rows)


def test_headers_match_in_any_language_and_case(app):
    with force_locale("ru"):
        ru_header = str(_l("File number"))
    data = xlsx([["  " + ru_header.upper() + "  *", "amount"], ["X", 1]])
    rows = read_table(data, "a.xlsx", COLUMNS)
    assert rows[0].values["file_number"] == "X"
    assert rows[0].values["amount"] == 1


def test_missing_required_column_is_a_table_error(app):
    with pytest.raises(TableError) as error:
        read_table(xlsx([["Amount"], [1]]), "a.xlsx", COLUMNS)
    assert "File number" in error.value.message


def test_duplicate_header_is_a_table_error(app):
    with pytest.raises(TableError):
        read_table(xlsx([["File number", "file_number"], ["1", "2"]]), "a.xlsx", COLUMNS)


def test_xlsx_formula_cell_is_a_row_error_and_not_returned(app):
    data = xlsx([["File number", "Amount"], ["A-1", "=1+2"], ["A-2", 3]])
    rows = read_table(data, "a.xlsx", COLUMNS)
    assert rows[0].values["amount"] is None
    assert rows[0].errors and "formula" in rows[0].errors[0]
    assert rows[1].errors == []


def test_csv_formula_text_is_rejected_too(app):
    data = "File number;Amount\nA-1;=HYPERLINK(\"x\")\n".encode()
    rows = read_table(data, "a.csv", COLUMNS)
    assert rows[0].values["amount"] is None and rows[0].errors


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiter_is_sniffed(app, delimiter):
    data = delimiter.join(["File number", "Amount"]) + "\r\nA-1" + delimiter + "12\r\n"
    rows = read_table(data.encode(), "a.csv", COLUMNS)
    assert rows[0].values == {"file_number": "A-1", "born": None, "amount": "12"}


def test_csv_utf8_bom_and_cp1251(app):
    bom = "\ufeffFile number,Amount\nЖанұзақ,1\n".encode("utf-8")
    assert read_table(bom, "a.csv", COLUMNS)[0].values["file_number"] == "Жанұзақ"
    cp = "File number;Amount\nИванов;1\n".encode("cp1251")
    assert read_table(cp, "a.csv", COLUMNS)[0].values["file_number"] == "Иванов"


def test_unknown_extension_and_empty_file(app):
    with pytest.raises(TableError):
        read_table(b"x", "a.xls", COLUMNS)
    with pytest.raises(TableError):
        read_table(b"", "a.csv", COLUMNS)


class _NeverLoaded:
    """Stands in for the reader's library to show that a refused file never reaches it."""

    @staticmethod
    def from_filelike(*args, **kwargs):
        raise AssertionError("the workbook must not be loaded")


def test_bad_zip_is_rejected(app, monkeypatch):
    monkeypatch.setattr(tabular.reader, "CalamineWorkbook", _NeverLoaded)
    with pytest.raises(TableError):
        read_table(b"PK\x03\x04 not really a zip", "a.xlsx", COLUMNS)


def test_file_over_size_cap_rejected_before_loading(app, monkeypatch):
    monkeypatch.setattr(tabular.reader, "CalamineWorkbook", _NeverLoaded)
    data = xlsx([["File number"], ["A"]])
    with pytest.raises(TableError) as error:
        read_table(data, "a.xlsx", COLUMNS, max_bytes=len(data) - 1)
    assert "MB" in error.value.message


def test_zip_bomb_rejected_before_loading(app, monkeypatch):
    monkeypatch.setattr(tabular.reader, "CalamineWorkbook", _NeverLoaded)
    app.config["IMPORT_MAX_UNCOMPRESSED"] = 1024 * 1024
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (5 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 20_000
    with pytest.raises(TableError) as error:
        read_table(data, "bomb.xlsx", COLUMNS)
    assert "expands" in error.value.message


def test_row_cap_for_csv_and_xlsx(app, monkeypatch):
    app.config["IMPORT_MAX_ROWS"] = 3
    csv_data = ("File number\n" + "".join(f"A{i}\n" for i in range(10))).encode()
    with pytest.raises(TableError):
        read_table(csv_data, "a.csv", COLUMNS)
    with pytest.raises(TableError):
        read_table(xlsx([["File number"]] + [[f"A{i}"] for i in range(10)]), "a.xlsx", COLUMNS)
    assert len(read_table(xlsx([["File number"], ["a"], ["b"], ["c"]]), "a.xlsx", COLUMNS)) == 3


def test_messages_are_in_the_users_language(app):
    for lang in ("ru", "kk"):
        with app.test_request_context(headers={"Accept-Language": lang}):
            with pytest.raises(TableError) as error:
                read_table(b"x", "a.doc", COLUMNS)
        assert error.value.message != "Upload an XLSX or CSV file.", lang
        assert any("\u0400" <= ch <= "\u04ff" for ch in error.value.message), lang


def test_cell_parsers():
    assert parse_date("2020-01-31") == date(2020, 1, 31)
    assert parse_date("31.01.2020") == date(2020, 1, 31)
    assert parse_date(datetime(2020, 1, 31, 0, 0)) == date(2020, 1, 31)
    assert parse_int("1 200") == 1200 and parse_int(3.0) == 3
    assert parse_bool("Да") is True and parse_bool("жоқ") is False and parse_bool(None) is None


@pytest.mark.parametrize("parser,value", [(parse_date, "31/02/2020x"), (parse_int, "1.5"),
                                          (parse_bool, "maybe"), (parse_int, True)])
def test_cell_parsers_reject(app, parser, value):
    with pytest.raises(CellError):
        parser(value)


def test_template_has_headers_example_widths_and_codes(app):
    data = template_xlsx(COLUMNS, {"file_number": "A-1", "amount": "=evil"},
                         codes={"Occupations": [("7533", "Sewing machine operators")]})
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == ["File number *", "Birth date", "Amount"]
    assert sheet["A2"].value == "A-1" and sheet["C2"].value == "'=evil"
    assert sheet.column_dimensions["A"].width >= 16
    codes = workbook.worksheets[1]
    assert codes["A2"].value == "7533" and codes["B2"].value == "Sewing machine operators"
    # The template reads back as an import.
    assert read_table(data, "t.xlsx", COLUMNS)[0].values["file_number"] == "A-1"


def test_module_documents_its_reader():
    assert "read_table" in tabular.__doc__


def _with_sheet_xml(data, transform):
    """Return a copy of an XLSX whose first sheet's XML went through ``transform``."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = transform(body)
            target.writestr(info.filename, body)
    return out.getvalue()


def test_sheet_with_a_dtd_or_entity_is_refused(app):
    data = xlsx([["File number"], ["A-1"]])
    bomb = _with_sheet_xml(data, lambda xml: xml.replace(
        b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
                       b"<worksheet", 1))
    with pytest.raises(TableError):
        read_table(bomb, "a.xlsx", COLUMNS)


def test_inline_strings_sparse_cells_booleans_and_cached_formulas(app):
    data = xlsx([["File number", "Birth date", "Amount"], ["A-1", None, True]])

    def inline(xml):
        # An inline string in A2, B2 left empty, C2 a boolean.
        return re.sub(rb'<c r="A2"[^>]*>.*?</c>', b'<c r="A2" t="inlineStr"><is><t>In</t>'
                      b'<r><t>line</t></r></is></c>', xml, flags=re.S)

    rows = read_table(_with_sheet_xml(data, inline), "a.xlsx", COLUMNS)
    assert rows[0].values == {"file_number": "Inline", "born": None, "amount": True}
    cached = _with_sheet_xml(data, lambda xml: inline(xml).replace(
        b"</is></c>", b'</is></c><c r="B2"><f>1+1</f><v>2</v></c>', 1))
    rows = read_table(cached, "a.xlsx", COLUMNS)  # a formula with a cached value is a formula
    assert rows[0].values["born"] is None and "formula" in rows[0].errors[0]


def test_declared_dimension_over_the_cap_is_refused_before_rows_are_read(app, monkeypatch):
    app.config["IMPORT_MAX_ROWS"] = 3
    data = xlsx([["File number"], ["A"]])
    big = _with_sheet_xml(data, lambda xml: re.sub(rb'<dimension ref="[^"]+"',
                                                   b'<dimension ref="A1:A900000"', xml))
    monkeypatch.setattr(tabular.reader, "CalamineWorkbook", _NeverLoaded)
    with pytest.raises(TableError) as error:
        read_table(big, "a.xlsx", COLUMNS)
    assert "more than 3 rows" in error.value.message


def test_prefixed_namespace_sheet_is_read(app):
    data = xlsx([["File number"], ["A-1"]])

    def prefix(xml):
        xml = re.sub(rb"<(/?)(worksheet|sheetData|row|c|v|dimension|sheetViews|sheetView|selection|"
                     rb"sheetFormatPr|pageMargins|sheetPr|outlinePr|pageSetUpPr|is|t)\b", rb"<\1x:\2", xml)
        return xml.replace(b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                           b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')

    rows = read_table(_with_sheet_xml(data, prefix), "a.xlsx", COLUMNS)
    assert rows[0].values["file_number"] == "A-1"
