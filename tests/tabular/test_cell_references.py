"""A cell's reference, however it is written, cannot place a cell beyond the caps.

calamine places each cell of an XLSX by its own ``r`` attribute: single-quoted, with spaces
around ``=``, in lower case, the last of two, or (with none) the next column. A reference
the scan before parsing does not read as calamine does would let one cell stand far to the
right and make calamine allocate the whole rectangle. Generated cell tags check it: a file
the scan lets through is one whose sheet, opened by calamine, lies within the caps.
"""
import io
import re
import string
import tempfile
import zipfile

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from tabular import TableError
from tabular.caps import check_cells, check_xlsx, limits, not_above, plain_cells, plainly_within
from tests.tabular.test_tabular import _with_sheet_xml

# Small caps, so that a reference the scan misses costs the test little memory.
MAX_ROWS, MAX_COLUMNS = 100, 10
ORIGINAL = b'<c r="B2" t="s"><v>3</v></c>'


def _workbook():
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["File number", "Last name"])
    sheet.write_row(1, 0, ["12-0001", "Сейтқали"])
    book.close()
    return out.getvalue()


BOOK = _workbook()

letters = st.text(string.ascii_uppercase, min_size=1, max_size=2)
references = st.builds(lambda column, row, lower: (column.lower() if lower else column) + str(row),
                       letters, st.integers(1, 1000), st.booleans())


@st.composite
def cell_tags(draw):
    """A cell tag in any of the forms XML or calamine accepts, with one or two references."""
    quote = draw(st.sampled_from(['"', "'"]))
    equals = draw(st.sampled_from(["=", " = ", "= ", " ="]))
    attributes = [f"r{equals}{quote}{reference}{quote}"
                  for reference in draw(st.lists(references, min_size=0, max_size=2))]
    attributes += draw(st.lists(st.sampled_from(['t="s"', 's="1"', "t='s'", 'rr="C3"',
                                                 'x="r=&quot;Z9&quot;"']), max_size=2))
    attributes = draw(st.permutations(attributes))
    space = draw(st.sampled_from([" ", "  ", "\n", "\t"]))
    prefix = draw(st.sampled_from(["", "x:"]))
    opening = f"<{prefix}c" + "".join(space + attribute for attribute in attributes)
    return f"{opening}><v>1</v></{prefix}c>".encode()


def _extent(data):
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as copy:
        copy.write(data)
        copy.flush()
        with CalamineWorkbook.from_path(copy.name) as book:
            return book.get_sheet_by_index(0).end


@pytest.fixture
def small_caps(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield limits(max_rows=MAX_ROWS) | {"max_columns": MAX_COLUMNS}


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tag=cell_tags())
def test_a_cell_the_scan_lets_through_lies_within_the_caps(small_caps, tag):
    data = _with_sheet_xml(BOOK, lambda body: body.replace(ORIGINAL, tag))
    try:
        check_xlsx(data, small_caps)
    except TableError:
        return
    end = _extent(data)
    assert end[0] + 1 <= MAX_ROWS + 1 and end[1] + 1 <= MAX_COLUMNS, (tag, end)


def test_the_writers_form_is_read(small_caps):
    with zipfile.ZipFile(io.BytesIO(BOOK)) as book:
        assert ORIGINAL in book.read("xl/worksheets/sheet1.xml")
    assert check_xlsx(BOOK, small_caps) == set()
    assert _extent(BOOK) == (1, 1)


@pytest.mark.parametrize("tag", [b"<c r='XFD9'><v>1</v></c>", b'<c r = "XFD9"><v>1</v></c>',
                                 b'<c r="B2" r="XFD9"><v>1</v></c>', b'<c r="xfd9"><v>1</v></c>',
                                 b"<c><v>1</v></c>"])
def test_a_reference_in_another_form_is_refused(small_caps, tag):
    data = _with_sheet_xml(BOOK, lambda body: body.replace(ORIGINAL, tag))
    with pytest.raises(TableError) as refused:
        check_xlsx(data, small_caps)
    assert "not a valid XLSX" in refused.value.message


# --- the scan's shortcut for the writers' plain cell tags --------------------------------

@settings(max_examples=300, deadline=None)
@given(number=st.integers(1, 30_000), limit=st.integers(1, 20_000))
def test_the_plain_reference_bounds_are_the_numbers_not_above_the_cap(number, limit):
    digits = re.compile(not_above(str(limit), string.digits, string.digits[1:]))
    letters = re.compile(not_above(get_column_letter(min(limit, 16_384)), string.ascii_uppercase,
                                   string.ascii_uppercase))
    assert bool(digits.fullmatch(str(number))) == (number <= limit)
    if number <= 16_384:
        assert bool(letters.fullmatch(get_column_letter(number))) == (number <= min(limit, 16_384))


plain_tags = st.builds(
    lambda column, row, attributes, empty: (
        f'<c r="{get_column_letter(column)}{row}"{"".join(" " + a for a in attributes)}'
        + ("/>" if empty else "><v>1</v></c>")).encode(),
    st.integers(1, 2 * MAX_COLUMNS), st.integers(1, 2 * MAX_ROWS),
    st.lists(st.sampled_from(['t="s"', 's="1"', 'r="C3"', "t='s'", 'x:r="Z9"']), max_size=2),
    st.booleans())


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tags=st.lists(st.one_of(plain_tags, cell_tags()), min_size=1, max_size=6))
def test_a_window_passed_by_the_shortcut_passes_the_full_check(small_caps, tags):
    """The shortcut passes only windows that the full check would pass."""
    window = b'<row r="2">' + b"".join(tags) + b"</row>"
    max_row = small_caps["max_rows"] + 1
    if plainly_within(window, plain_cells(max_row, MAX_COLUMNS)):
        check_cells(window, max_row, MAX_COLUMNS)


def test_the_writers_cells_take_the_shortcut():
    window = (b'<row r="2" spans="1:3"><c r="A2" s="1" t="s"><v>0</v></c><c r="B2"/>'
              b'<c r="J101" t="inlineStr"><is><t>x</t></is></c></row>')
    plain = plain_cells(MAX_ROWS + 1, MAX_COLUMNS)
    assert plainly_within(window, plain)
    assert not plainly_within(window.replace(b"J101", b"K101"), plain)
    assert not plainly_within(window.replace(b"J101", b"J102"), plain)
    assert not plainly_within(window.replace(b"J101", b"J0101"), plain)
