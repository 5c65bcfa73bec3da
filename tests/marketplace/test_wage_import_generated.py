"""Generated wage sheets: whatever the file holds, the wage import answers without a 500, and
a refused preview or confirmation writes no wage record.

The sheets are drawn from the line's template: XLSX written by XlsxWriter or CSV in UTF-8 or
cp1251, the headers as the template has them, shuffled or partly missing, the worker's row
repeated or another file number, cells of every kind of trouble (negative, huge, fractional
and NaN-like amounts, deductions above the pay, formulas, control characters, yes/no in any
language or none), and at times the bytes cut short or overwritten.
"""
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from marketplace.wage_import import COLUMNS
from tests.marketplace.test_wages_entry import (MONTH, app, placed, records,  # noqa: F401
                                                sheet_row, upload)
from tests.tabular import generated

TROUBLE = ["", "-1", "0", "1e308", "99999999999999999999", "12,5", "12.5", "1 000 000",
           "NaN", "inf", "=1+1", "\x00", "a\u200bb", "²", "да", "иә", "yes", "нет", "жоқ",
           "maybe", "32", "745", "200000", "9" * 40]
cells = st.one_of(st.sampled_from(TROUBLE), st.text(max_size=12),
                  st.integers(-(2 ** 70), 2 ** 70),
                  st.floats(allow_nan=False, allow_infinity=False))


@st.composite
def wage_sheets(draw, person):
    labels = [str(c.label) for c in COLUMNS]
    columns = draw(generated.headers(labels))
    rows = []
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2]))):  # a second row repeats the worker
        raise_by = draw(st.integers(0, 50_000))  # a new amount, so a saved month changes
        good = dict(zip(labels, sheet_row(person, accrued_kzt=str(100_000 + raise_by),
                                          credited_kzt=str(55_000 + raise_by))))
        troubled = generated.with_trouble(draw, good, cells)
        rows.append([troubled.get(label, "") for label in columns])
    return generated.upload(draw, columns, rows, "wages")


def _saved():
    return sorted((r.placement_id, r.month, r.accrued_kzt, r.credited_kzt, r.norm_met)
                  for r in records())


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_wage_sheet_makes_a_500_or_a_half_write(client, auth, world, placed, data):  # noqa: F811
    auth.login("inspector_a")
    sheet, name = data.draw(wage_sheets(world.person_a))
    before = _saved()
    preview = upload(client, world.line_a, sheet, name)
    assert preview.status_code < 500, preview.get_data(as_text=True)[-2000:]
    page = preview.get_data(as_text=True)
    if 'name="payload" value="' not in page:
        event("refused at the preview")
        assert _saved() == before
        return
    payload = page.split('name="payload" value="')[1].split('"')[0]
    saved = client.post(f"/market/lines/{world.line_a.id}/wages/import/confirm?month={MONTH}",
                        data={"payload": payload})
    assert saved.status_code < 500
    event(f"confirmed: {saved.status_code}")
    if saved.status_code != 302:
        assert _saved() == before
