"""Rows kept on the server between a preview and its confirmation come back as they went."""
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tabular import pending
from tabular.reader import Row

cells = st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 200), 2 ** 200),
                  st.floats(allow_nan=False, allow_infinity=False), st.text(),
                  st.dates(), st.datetimes())


def _as_kept(value):
    """A kept cell: a date or datetime comes back as its day's ISO text."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


@pytest.fixture
def folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path))
    return tmp_path


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, min_size=1, max_size=4), min_size=1, max_size=5))
@example(rows=[[-(2 ** 63) - 1], [2 ** 64 - 1, 2 ** 100]])  # past orjson's 64 bits, both ways
def test_any_cells_come_back_as_they_were_kept(folder, rows):
    kept = [Row(number, {f"c{i}": value for i, value in enumerate(values)}, [])
            for number, values in enumerate(rows, start=2)]
    token = pending.keep(kept, {"c0"}, 7, "Қазақша.xlsx", {"line": 1})
    assert pending.take(token, 8, {"line": 1}) is None  # another user
    assert pending.take(token, 7, {"line": 2}) is None  # another context
    taken, present, filename = pending.take(token, 7, {"line": 1})
    assert filename == "Қазақша.xlsx" and present == {"c0"}
    assert [row.number for row in taken] == [row.number for row in kept]
    for back, row in zip(taken, kept):
        for key, value in row.values.items():
            assert back.values[key] == _as_kept(value)
    pending.forget(token)
