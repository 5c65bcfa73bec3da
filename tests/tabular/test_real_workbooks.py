"""Workbooks written by the real writers import; hostile files are refused before parsing.

XlsxWriter writes like Excel (shared strings, dates as numbers with a date style);
LibreOffice Calc rewrites the same workbook in its own way. Both, with a title merged above
the header, a hidden column and trailing empty rows, read back with every Kazakh letter
intact byte for byte.
"""
import io
import zipfile
from datetime import date

import pytest
import xlsxwriter
from flask_babel import lazy_gettext as _l

import tabular
from tabular import Column, TableError, parse_date, read_table

from .office import convert

COLUMNS = [Column("file_number", _l("File number"), required=True),
           Column("last_name", _l("Last name"), required=True),
           Column("born", _l("Birth date")), Column("amount", _l("Amount"))]
KAZAKH = "Әбдіқадырұлы Ғалымжан Қуаныш Ңңөұүһі ӘҒҚҢӨҰҮҺІ"
PEOPLE = [("12-0001", KAZAKH, date(1979, 10, 28), 1250.5),
          ("12-0002", "Сейтқали", date(1990, 3, 2), 7)]


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def excel_like(people=PEOPLE, trailing_blank_rows=5):
    """A workbook as Excel writes it: a merged title above the header, a hidden column,
    shared strings, dates as numbers with a date style, styled empty rows at the end."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet("Деректер")
    bold, day = book.add_format({"bold": True}), book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.merge_range(0, 0, 0, 4, "Сотталғандар тізімі — Список осуждённых", bold)
    sheet.write_row(1, 0, ["File number", "Internal note", "Last name", "Birth date", "Amount"],
                    bold)
    sheet.set_column(1, 1, None, None, {"hidden": True})
    for index, (number, name, born, amount) in enumerate(people, start=2):
        sheet.write_string(index, 0, number)
        sheet.write_string(index, 1, "ішкі")
        sheet.write_string(index, 2, name)
        sheet.write_datetime(index, 3, born, day)
        sheet.write_number(index, 4, amount)
    for blank in range(trailing_blank_rows):
        sheet.write_blank(len(people) + 2 + blank, 0, None, bold)
    book.close()
    return out.getvalue()


def check_people(rows):
    assert [r.values["file_number"] for r in rows] == ["12-0001", "12-0002"]
    assert [r.number for r in rows] == [3, 4]
    assert rows[0].values["last_name"].encode("utf-8") == KAZAKH.encode("utf-8")
    assert parse_date(rows[0].values["born"]) == date(1979, 10, 28)
    assert rows[0].values["amount"] == 1250.5 and rows[1].values["amount"] == 7
    assert all(not r.errors for r in rows)


def test_a_workbook_written_like_excel_imports():
    data = excel_like()
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    check_people(read_table(data, "people.xlsx", COLUMNS))


@pytest.mark.slow
def test_a_workbook_written_by_libreoffice_imports():
    data = convert((excel_like(), "people.xlsx"), "xlsx:Calc MS Excel 2007 XML", "lo.xlsx")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "xl/sharedStrings.xml" in names
    check_people(read_table(data, "people.xlsx", COLUMNS))


@pytest.mark.slow
def test_an_ods_saved_again_as_xlsx_by_libreoffice_imports():
    ods = convert((excel_like(), "people.xlsx"), "ods")
    data = convert((ods, "people.ods"), "xlsx:Calc MS Excel 2007 XML")
    check_people(read_table(data, "people.xlsx", COLUMNS))


def test_a_date_stored_as_a_bare_number_is_a_date():
    assert parse_date(29156) == date(1979, 10, 28)
    assert parse_date(29156.0) == date(1979, 10, 28)


def csv_text(delimiter=";", decimal=","):
    lines = [delimiter.join(["File number", "Last name", "Birth date", "Amount"])]
    for number, name, born, amount in PEOPLE:
        figure = f"{amount:g}".replace(".", decimal)
        lines.append(delimiter.join([number, name, born.strftime("%d.%m.%Y"), figure]))
    return "\r\n".join(lines) + "\r\n"


def test_csv_from_russian_excel_cp1251_semicolon_decimal_comma():
    # cp1251 has no Kazakh letters: Russian Excel's CSV holds Russian names.
    people = [(n, "Иванов-Петров" if i == 0 else "Сейтов", b, a)
              for i, (n, _name, b, a) in enumerate(PEOPLE)]
    lines = ["File number;Last name;Birth date;Amount"]
    lines += [f"{n};{name};{b:%d.%m.%Y};{a:g}".replace(".5", ",5") for n, name, b, a in people]
    rows = read_table("\r\n".join(lines).encode("cp1251"), "people.csv", COLUMNS)
    assert rows[0].values["last_name"] == "Иванов-Петров"
    assert rows[0].values["amount"] == 1250.5 and rows[1].values["amount"] == "7"
    assert parse_date(rows[1].values["born"]) == date(1990, 3, 2)


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b""])
def test_csv_in_utf8_with_or_without_bom_keeps_kazakh_letters(bom):
    rows = read_table(bom + csv_text().encode("utf-8"), "people.csv", COLUMNS)
    assert rows[0].values["last_name"].encode("utf-8") == KAZAKH.encode("utf-8")
    assert rows[0].values["file_number"] == "12-0001" and rows[0].values["amount"] == 1250.5


class _NeverLoaded:
    """Stands in for the reader's library to show that a refused file never reaches it."""

    @staticmethod
    def from_filelike(*args, **kwargs):
        raise AssertionError("the workbook must not be loaded")


def refused(data, name="hostile.xlsx"):
    with pytest.raises(TableError) as error:
        read_table(data, name, COLUMNS)
    return error.value.message


def test_one_cell_far_to_the_right_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(tabular.reader, "CalamineWorkbook", _NeverLoaded)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["File number", "Last name"])
    sheet.write_row(1, 0, ["1", "A"])
    sheet.write_string(1, 16383, "far")  # XFD2
    book.close()
    assert len(out.getvalue()) < 10_000
    assert "beyond column" in refused(out.getvalue())


def test_one_cell_far_down_is_refused_before_parsing(monkeypatch, app):
    monkeypatch.setattr(tabular.reader, "CalamineWorkbook", _NeverLoaded)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["File number", "Last name"])
    sheet.write_string(1_048_575, 0, "far")
    book.close()
    assert "more than" in refused(out.getvalue())


def test_a_formula_written_by_xlsxwriter_is_refused_on_its_row():
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["File number", "Last name", "Amount"])
    sheet.write_row(1, 0, ["1", "A", 3])
    sheet.write_string(2, 0, "2")
    sheet.write_string(2, 1, "B")
    sheet.write_formula(2, 2, "=C2*1000", None, 3000)
    book.close()
    rows = read_table(out.getvalue(), "a.xlsx", COLUMNS)
    assert rows[0].errors == [] and rows[0].values["amount"] == 3
    assert rows[1].values["amount"] is None and "formula" in rows[1].errors[0]


def _rezip(data, replace):
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(tabular.reader, "CalamineWorkbook", _NeverLoaded)
    padding = b"<!-- " + b"a" * (60 * 1024 * 1024) + b" -->"
    bomb = _rezip(excel_like(), {"xl/sharedStrings.xml": padding})
    assert len(bomb) < 200_000
    assert "expands" in refused(bomb)


def test_entity_expansion_in_shared_strings_is_refused(monkeypatch):
    monkeypatch.setattr(tabular.reader, "CalamineWorkbook", _NeverLoaded)
    laughs = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "lol">'
              + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
                         for i in range(8))
              + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                b'count="1" uniqueCount="1"><si><t>&i;</t></si></sst>')
    assert "entities" in refused(_rezip(excel_like(), {"xl/sharedStrings.xml": laughs}))


@pytest.mark.parametrize("magic", [b"MZ\x90\x00\x03\x00\x00\x00", b"\x7fELF\x02\x01\x01",
                                   b"%PDF-1.7\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])
@pytest.mark.parametrize("name", ["roster.xlsx", "roster.csv"])
def test_a_renamed_program_or_document_is_refused(monkeypatch, magic, name):
    monkeypatch.setattr(tabular.reader, "CalamineWorkbook", _NeverLoaded)
    message = refused(magic + b"\x00" * 200 + b"File number;Last name\n", name)
    assert "not a valid" in message


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_rows_below_an_empty_top_keep_their_numbers_and_their_formulas(kind):
    # The table starts at C4: empty rows above and empty columns to the left.
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    sheet.write_row(3, 2, ["File number", "Last name", "Birth date", "Amount"])
    sheet.write_row(4, 2, ["12-0001", KAZAKH])
    sheet.write_row(6, 2, ["12-0003", "Сейтқали"])
    sheet.write_formula(6, 5, "=1+1", None, 2)
    book.close()
    data = out.getvalue() if kind == "xlsx" else convert((out.getvalue(), "a.xlsx"), "ods")
    rows = read_table(data, f"people.{kind}", COLUMNS)
    assert [r.number for r in rows] == [5, 7]
    assert [r.values["file_number"] for r in rows] == ["12-0001", "12-0003"]
    assert rows[0].values["last_name"] == KAZAKH and not rows[0].errors
    assert rows[1].values["amount"] is None and "Amount: formulas" in rows[1].errors[0]
