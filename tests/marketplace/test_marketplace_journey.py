"""The whole journey: a posted line, its candidates, placements, a month of wages, review."""
import re
from datetime import date

from sqlalchemy import select

from extensions import db
from marketplace.models import Placement, WageRecord
from tests import factories
from timeutil import month_start, today


def test_line_to_candidates_to_placements_to_reviewed_wages(client, auth, world):
    line = factories.line(world.sme_a, world.facility_a, occupations=(("7533", "qualified"),),
                          headcount=2, wage_kzt=95_000, title="Пошив спецодежды",
                          opened_on=date(2024, 1, 1))
    seamstress = factories.person(world.facility_a, last_name="Омарова", gender="F",
                                  skills=(("7533", "expert", 9),))
    factories.consent_all()
    db.session.commit()

    auth.login("owner_a")
    page = client.get(f"/market/lines/{line.id}/candidates").get_data(as_text=True)
    assert "Омарова" not in page
    token = re.search(r'name="token" value="([0-9a-f]{20})"', page).group(1)
    client.post(f"/market/lines/{line.id}/request", data={"token": token})
    auth.logout()

    auth.login("inspector_a")
    page = client.get(f"/market/lines/{line.id}/candidates").get_data(as_text=True)
    assert page.index("Омарова") < page.index("Алиев")  # expert ranks above qualified
    started = month_start(today())
    assert db.session.scalars(select(Placement)).all() == []
    queue = client.get("/market/requests").get_data(as_text=True)
    request_id = re.search(r"/market/requests/(\d+)/decide", queue).group(1)
    client.post(f"/market/requests/{request_id}/decide",
                data={"decision": "accept", "started_on": started.isoformat()})
    # The owner asked for the best candidate, the seamstress; the inspector adds one more.
    client.post(f"/market/lines/{line.id}/place",
                data={"person_id": world.person_a.id, "started_on": started.isoformat()})
    db.session.expire_all()
    placements = db.session.scalars(select(Placement).where(Placement.line_id == line.id)).all()
    assert sorted(p.person_id for p in placements) == sorted([seamstress.id, world.person_a.id])
    assert all(p.wage_kzt == 95_000 for p in placements)
    auth.logout()

    auth.login("owner_a")
    month = f"{started:%Y-%m}"
    data = {}
    for p in placements:
        data.update({f"days_worked-{p.id}": "21", f"hours_worked-{p.id}": "168",
                     f"norm_hours-{p.id}": "168", f"norm_met-{p.id}": "1",
                     f"accrued_kzt-{p.id}": "95000", f"deduction_upkeep_kzt-{p.id}": "40000",
                     f"deduction_tax_kzt-{p.id}": "9500", f"credited_kzt-{p.id}": "45500"})
    assert client.post(f"/market/lines/{line.id}/wages?month={month}", data=data).status_code == 302
    workers = client.get("/market/workers").get_data(as_text=True)
    assert "Омарова" in workers and "Пошив спецодежды" in workers
    auth.logout()

    auth.login("inspector_a")
    client.post(f"/market/lines/{line.id}/wages/review?month={month}")
    db.session.expire_all()
    records = db.session.scalars(select(WageRecord)).all()
    assert len(records) == 2 and all(r.reviewed_at is not None for r in records)
    assert "Reviewed" in client.get(f"/market/lines/{line.id}/wages?month={month}").get_data(as_text=True)
