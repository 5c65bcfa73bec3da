"""The statistics dashboard through the client: scope, suppression, CSP, home panel."""
import json
import re
from datetime import date

import pytest

from accounts.models import AuditEvent
from extensions import db
from tests import factories

D = "2021-07-01"


def _populate(world, per_facility=6):
    """Give each facility enough people for unsuppressed totals; place some of them."""
    for facility, line in ((world.facility_a, world.line_a), (world.facility_b, world.line_b)):
        people = [factories.person(facility) for _ in range(per_facility)]
        for person in people[:3]:
            factories.placement(person, line)
    db.session.commit()


def test_dashboard_renders_for_admin(world, client, auth):
    _populate(world)
    auth.login("admin")
    page = client.get(f"/reports/?on={D}&since=2021-01-01")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="headline-in_custody">14<' in html
    assert "Учреждение" in html or "Facility" in html
    assert "paragraph-ru" in html and "на оплачиваемых работах трудоустроено" in html
    assert "ақылы жұмысқа орналастырылды" in html


def test_no_inline_executable_script(world, client, auth):
    auth.login("analyst")
    html = client.get(f"/reports/?on={D}").get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    for attrs in re.findall(r"<[a-z]+\b[^>]*>", html):
        assert not re.search(r"\son[a-z]+=", attrs) and " style=" not in attrs, attrs
    blocks = re.findall(r'<script type="application/json" id="report-data">(.*?)</script>', html,
                        re.S)
    data = json.loads(blocks[0])
    assert "region" in data and len(data["series"]["labels"]) == 12
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/reports.js" in html


def test_regional_analyst_sees_only_their_region(world, client, auth):
    _populate(world)
    auth.login("analyst_kz71")
    html = client.get(f"/reports/?on={D}&region={world.facility_b.region_id}"
                      f"&facility={world.facility_b.id}").get_data(as_text=True)
    assert 'id="headline-in_custody">7<' in html  # facility_a only: person_a and six more
    assert world.facility_a.code + " " in html
    assert "FB " not in html and "KZ-35" not in html


def test_inspector_sees_own_facility(world, client, auth):
    _populate(world)
    auth.login("inspector_b")
    html = client.get(f"/reports/?on={D}&facility={world.facility_a.id}").get_data(as_text=True)
    assert 'id="headline-in_custody">7<' in html
    assert "FA " not in html


def test_owner_is_refused(world, client, auth):
    auth.login("owner_a")
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/export.xlsx").status_code == 403


def test_small_cells_suppressed_for_analysts_not_admins(world, client, auth):
    _populate(world)
    auth.login("analyst")
    html = client.get(f"/reports/?on={D}").get_data(as_text=True)
    gender_table = html[html.index('id="table-gender"'):]
    gender_table = gender_table[:gender_table.index("</table>")]
    assert "&lt;5" not in gender_table  # 14 men
    facility_table = html[html.index('id="table-facility"'):]
    facility_table = facility_table[:facility_table.index("</table>")]
    assert "&lt;5" in facility_table  # 3 employed per facility
    auth.logout()
    auth.login("admin")
    html = client.get(f"/reports/?on={D}").get_data(as_text=True)
    facility_table = html[html.index('id="table-facility"'):]
    assert "&lt;5" not in facility_table[:facility_table.index("</table>")]


def test_bad_input_shows_a_message_not_a_500(world, client, auth):
    auth.login("admin")
    for query in ("on=banana", "on=0001-01-01", "region=abc", "facility=999999",
                  "security_level=nope", "employer_kind=x", "since=2021-13-01"):
        response = client.get(f"/reports/?{query}")
        assert response.status_code == 200, query
    assert client.get("/reports/export.csv?table=passwords").status_code == 404


def test_home_panel_for_analyst(world, client, auth):
    _populate(world)
    auth.login("analyst")
    html = client.get("/").get_data(as_text=True)
    assert "/reports/" in html and "home-stats-title" in html


@pytest.mark.parametrize("table", ["region", "facility", "gender", "series", "wages"])
def test_csv_export(world, client, auth, table):
    _populate(world)
    auth.login("admin")
    response = client.get(f"/reports/export.csv?on={D}&table={table}&lang=en")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert f'filename="employment_{D}_{table}.csv"' in response.headers["Content-Disposition"]
    db.session.expire_all()
    assert db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "export")).all()


def test_page_state_is_in_the_url(world, client, auth):
    auth.login("admin")
    html = client.get(f"/reports/?on={D}&security_level=minimum").get_data(as_text=True)
    assert 'value="2021-07-01"' in html
    assert "security_level=minimum" in html  # carried into the export links
    assert date(2021, 7, 1)
