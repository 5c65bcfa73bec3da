"""A cell's reference, however it is written, cannot place a cell beyond the caps.

calamine places each cell of an XLSX by its own ``r`` attribute: single-quoted, with spaces
around ``=``, in lower case, the last of two, or (with none) the next column. A reference
the scan before parsing does not read as calamine does would let one cell stand far to the
right and make calamine allocate the whole rectangle. Generated cell tags check it: a file
the scan lets through is one whose sheet, opened by calamine, lies within the caps.
"""
import io
import string
import tempfile
import zipfile

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from tabular import TableError
from tabular.caps import check_xlsx, limits
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
