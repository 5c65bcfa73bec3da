"""Hypothesis strategies for generated uploads, shared by the roster and wage imports' tests:
the headers of a template in its order, shuffled, or some of them (repeats included); a
good row with a few cells of trouble; and the rows written as XLSX (XlsxWriter) or CSV
(UTF-8 or cp1251, ``;`` or ``,``), at times named as another kind, cut short or with a few
bytes overwritten."""
import io
from datetime import datetime

import xlsxwriter
from hypothesis import strategies as st


def headers(labels):
    """The template's headers in its order (half the time), shuffled, or some of them."""
    return st.sampled_from(["template", "template", "shuffled", "some"]).flatmap(
        lambda kind: {"template": st.just(list(labels)), "shuffled": st.permutations(labels),
                      "some": st.lists(st.sampled_from(labels), min_size=1,
                                       max_size=len(labels) + 2)}[kind])


def with_trouble(draw, good, cells):
    """Return the row ``good`` ({header: value}) with none (half the time) or a few of its
    cells drawn from ``cells``."""
    row = dict(good)
    most = draw(st.sampled_from([0, 0, 1, 3]))
    for header in draw(st.sets(st.sampled_from(sorted(good)), max_size=most)):
        row[header] = draw(cells)
    return row


def upload(draw, columns, rows, stem):
    """Return (bytes, file name) of ``rows`` under the header row ``columns``."""
    if draw(st.booleans()):
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False})
        book.set_properties({"created": datetime(2026, 1, 1)})  # the same bytes every run
        sheet = book.add_worksheet()
        for number, values in enumerate([columns, *rows]):
            for column, value in enumerate(values):
                sheet.write(number, column, value)
        book.close()
        data = out.getvalue()
        kind = draw(st.sampled_from(["xlsx", "xlsx", "ods", "xls"]))
    else:
        delimiter = draw(st.sampled_from([";", ","]))
        text = "\r\n".join(delimiter.join(str(value) for value in values)
                           for values in [columns, *rows])
        data = text.encode(draw(st.sampled_from(["utf-8-sig", "utf-8", "cp1251"])),
                           errors="replace")
        kind = draw(st.sampled_from(["csv", "csv", "xls"]))
    return _damaged(draw, data), f"{stem}.{kind}"


def _damaged(draw, data):
    damage = draw(st.sampled_from(["none", "none", "none", "cut", "bytes"]))
    if damage == "cut" and data:
        return data[:draw(st.integers(0, len(data) - 1))]
    if damage == "bytes" and data:
        data = bytearray(data)
        for _ in range(draw(st.integers(1, 5))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    return data
