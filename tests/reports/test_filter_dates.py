"""Dates in the dashboard's query string are bounded: year 0001 or 9999 (or anything before
2000 or more than a year ahead) is refused next to its field and moves no figure."""
import re

import pytest

from extensions import db
from tests import factories

D = "2021-07-01"


@pytest.fixture
def populated(world):
    factories.placement(world.person_a, world.line_a)
    factories.person(world.facility_a)
    db.session.commit()


@pytest.mark.parametrize("field", ["on", "since"])
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01"])
def test_a_date_out_of_range_is_refused_next_to_its_field(
        populated, client, auth, field, value):
    auth.login("admin")
    response = client.get(f"/reports/?{field}={value}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    message = re.search(rf'id="{field}-error">([^<]*)<', page)
    assert message and "Choose a date between" in message.group(1)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_refused_date_moves_no_figure(populated, client, auth, value):
    auth.login("admin")
    for table in ("region", "series", "wages"):
        plain = client.get(f"/reports/export.csv?table={table}")
        odd = client.get(f"/reports/export.csv?table={table}&on={value}&since={value}")
        assert odd.status_code == plain.status_code == 200
        assert odd.get_data() == plain.get_data(), table
    assert client.get(f"/reports/export.xlsx?on={value}").status_code == 200


def test_a_date_in_range_is_used(populated, client, auth):
    auth.login("admin")
    page = client.get(f"/reports/?on={D}&since=2021-01-01").get_data(as_text=True)
    assert 'id="on-error"' not in page and 'id="since-error"' not in page
    assert client.get(f"/reports/export.csv?table=region&on={D}").get_data() != client.get(
        "/reports/export.csv?table=region&on=2019-01-01").get_data()
