"""Generated roster uploads: whatever the file holds, the import answers without a 500, and a
refused preview or confirmation writes nothing.

The files are drawn as a user or an attacker could make them: XLSX written by XlsxWriter or
CSV in UTF-8 or cp1251 with ``;`` or ``,``; the template's headers, shuffled, repeated or
missing; cells of every kind of trouble (formulas, control and zero-width characters, dates of
year 1 or 9999 or 30 February, huge numbers, long Kazakh text, unknown codes); and at times
the bytes themselves damaged (cut short, or a few bytes overwritten), or named as another
kind (an XLSX as an ODS or XLS, a CSV as an XLS).
"""
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.inmates.test_import_roster import (HEADERS, confirm, counts,  # noqa: F401
                                              import_folder, row, upload)
from tests.tabular import generated

TROUBLE = ["", " ", "=1+1", "@SUM(A1)", "+7", "-2", "\x00", "\x07", "a\u200bb", "\u202e",
           "0001-01-01", "9999-12-31", "2021-02-30", "31.12.1899", "1e308", "NaN",
           "99999999999999999999999", "-0", "²", "Қ" * 300, "F-999", "IMP-1", "7533:expert:61:yes",
           "9999:trainee:0:no", "7533:qualified:4:yes; 7533:trainee:0:no", "M", "Ж", "X",
           "minors; outside", "unknown", "791028302728", "791028302729", "0" * 12]
cells = st.one_of(st.sampled_from(TROUBLE), st.text(max_size=20),
                  st.integers(-(2 ** 70), 2 ** 70),
                  st.floats(allow_nan=False, allow_infinity=False))


@st.composite
def roster_files(draw):
    columns = draw(generated.headers(HEADERS))
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        good = dict(zip(HEADERS, row(**{"File number": f"GEN-{len(rows)}", "IIN": ""})))
        troubled = generated.with_trouble(draw, good, cells)
        rows.append([troubled.get(h, "") for h in columns])
    return generated.upload(draw, columns, rows, "roster")


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(file=roster_files())
def test_no_upload_makes_a_500_or_a_half_write(world, client, auth, file):
    auth.login("inspector_a")
    data, name = file
    before = counts()
    preview = upload(client, data, name)
    assert preview.status_code < 500, preview.get_data(as_text=True)[-2000:]
    if 'name="token"' not in preview.get_data(as_text=True):
        event("refused at the preview")
        assert counts() == before
        return
    saved = confirm(client, preview)
    assert saved.status_code < 500
    event(f"confirmed: {saved.status_code}")
    if saved.status_code != 302:
        assert counts() == before
