"""The suppression rule itself, on generated tables: it always finishes, and afterwards no
sum has exactly one hidden cell, so nothing hidden can be worked out by subtraction; and the
analyst's home page of a world with a handful of people hides them and answers."""
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.disclosure import SMALL, Cells

@st.composite
def tables(draw):
    """A total over several breakdowns of the same people, some of them empty (a breakdown
    the report does not have), each cut into parts that add up to the total."""
    cells = Cells()
    total = draw(st.integers(min_value=0, max_value=60))
    margin = cells.add("total", total)
    for table in range(draw(st.integers(min_value=0, max_value=4))):
        cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=total), max_size=6)))
        if not cuts:
            cells.sums.append((margin, []))
            continue
        bounds = [0, *cuts, total]
        keys = [cells.add((table, index), high - low)
                for index, (low, high) in enumerate(zip(bounds, bounds[1:]))]
        cells.sums.append((margin, keys))
    return cells


@settings(max_examples=300, deadline=1000)
@given(tables())
def test_no_sum_is_left_with_one_hidden_cell(cells):
    hidden = cells.hidden()
    for key, value in cells.values.items():
        if 0 < value < SMALL:
            assert hidden[key] == "<5"
    for margin, parts in cells.sums:
        if parts:
            assert sum(1 for key in (margin, *parts) if key in hidden) != 1


def test_a_total_of_three_on_its_own_is_hidden_and_finishes():
    cells = Cells()
    margin = cells.add("total", 3)
    cells.sums.append((margin, []))
    assert cells.hidden() == {"total": "<5"}


def test_the_analysts_home_page_hides_a_handful_of_people(world, client, auth):
    auth.login("analyst")
    response = client.get("/")
    assert response.status_code == 200
    assert "&lt;5" in response.get_data(as_text=True)
