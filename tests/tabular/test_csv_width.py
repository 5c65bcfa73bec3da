"""A CSV is held to the column cap as a workbook is, and read one row at a time.

A value beyond IMPORT_MAX_COLUMNS refuses the file; empty fields after the data, which Excel
writes for formatted columns, do not. A line holding millions of one-letter fields is refused
before the csv module builds it as one row.
"""
import pytest
from flask_babel import lazy_gettext as _l
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tabular.reader
from tabular import Column, TableError, read_table

COLUMNS = [Column("file_number", _l("File number"), required=True),
           Column("amount", _l("Amount"))]
MAX_COLUMNS = 60


@pytest.fixture
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _refusal(data):
    with pytest.raises(TableError) as refused:
        read_table(data, "people.csv", COLUMNS)
    return refused.value.message


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(delimiter=st.sampled_from([",", ";", "\t"]),
       width=st.integers(2, 3 * MAX_COLUMNS),
       filled=st.sets(st.integers(2, 3 * MAX_COLUMNS - 1), max_size=3))
def test_a_value_beyond_the_column_cap_refuses_the_file(english, delimiter, width, filled):
    cells = ["A-1", "12"] + ["x" if column in filled else "" for column in range(2, width)]
    data = f"File number{delimiter}Amount\r\n{delimiter.join(cells)}\r\n".encode()
    beyond = any(column >= MAX_COLUMNS for column in filled if column < width)
    if beyond:
        assert "beyond column 60" in _refusal(data)
    else:
        rows = read_table(data, "people.csv", COLUMNS)
        assert [row.values for row in rows] == [{"file_number": "A-1", "amount": "12"}]


def test_a_line_of_millions_of_fields_is_refused_before_it_is_parsed(english, monkeypatch):
    header_only = tabular.reader.csv.reader

    def never_parsed(source, *args, **kwargs):  # the delimiter is sniffed from the header
        if not isinstance(source, list):
            raise AssertionError("the csv module must not parse this file's rows")
        return header_only(source, *args, **kwargs)

    monkeypatch.setattr(tabular.reader.csv, "reader", never_parsed)
    data = b"File number,Amount\n" + b",".join([b"1"] * 4_000_000) + b"\n"
    assert "beyond column 60" in _refusal(data)


def test_a_field_the_csv_module_refuses_is_a_clear_refusal(english):
    data = b'File number,Amount\nA-1,"' + b"9" * 200_000 + b'"\n'
    assert "not a valid CSV" in _refusal(data)


def test_a_lone_carriage_return_in_the_header_line_is_read_as_a_line_break(english):
    # The delimiter sniffing once let the csv module's error through here: a 500.
    rows = read_table(b"File number\rX;Amount\nA-1;12\n", "people.csv", COLUMNS)
    assert [row.values["file_number"] for row in rows] == ["X;Amount", "A-1;12"]
