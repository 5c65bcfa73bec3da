"""A warehouse script, as a new user would write it against the demo data: a token from the
command line, yesterday's changes, the national figures of 2021-07-01 (the letter's), and a
month of wages for one line pushed twice with one key: the second push writes nothing."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select

import timeutil
from accounts.models import ApiToken
from api.models import IdempotentRequest
from compliance.models import WageCheck
from enterprises.models import ProductionLine
from extensions import db
from marketplace.models import Placement, WageRecord
from marketplace.wages import active_in_month
from tests.api.conftest import bearer



def test_a_warehouse_script(demo_app):
    runner = demo_app.test_cli_runner()
    login = "admin"  # the demo's administrator; the token made here is deleted at the end
    name = f"warehouse-{datetime.now().microsecond}"
    made = runner.invoke(args=["tokens", "create", login, "--name", name])
    assert made.exit_code == 0, made.output
    secret = made.output.strip().splitlines()[-1]
    client = demo_app.test_client()
    since = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()
    changes = client.get("/api/v1/changes/placements", query_string={"since": since,
                                                                   "page_size": 100},
                         headers=bearer(secret))
    assert changes.status_code == 200 and "X-Pagination" in changes.headers
    figures = client.get("/api/v1/statistics?on=2021-07-01", headers=bearer(secret)).get_json()
    assert figures["headline"]["in_custody"] == 29_061
    assert figures["headline"]["able_bodied"] == 22_474
    assert figures["headline"]["employed"] == 11_012
    kinds = {row["key"]: row["employed"] for row in figures["breakdowns"]["employer_kind"]}
    assert kinds == {"state_branch": 3_970, "sme": 3_548, "facility_service": 3_494}
    assert figures["enterprises"]["smes_engaged"] == 243
    assert figures["enterprises"]["new_employed"] == 851

    # Push this month's wages (the demo has entered every earlier one) of a line with
    # workers in it, twice with the same key.
    month = timeutil.today().replace(day=1)
    line_id, placement_id = db.session.execute(
        select(ProductionLine.id, Placement.id).join(Placement, Placement.line_id == ProductionLine.id)
        .where(active_in_month(month), Placement.started_on <= month, Placement.holds_place())
        .order_by(ProductionLine.id).limit(1)).one()
    grid = client.get(f"/api/v1/lines/{line_id}/wages?month={month:%Y-%m}",
                      headers=bearer(secret)).get_json()
    row = next(r for r in grid["rows"] if r["placement_id"] == placement_id)
    assert row["record"] is None  # a month not entered yet: the test removes what it writes
    body = {"rows": [{"placement_id": placement_id, "days_worked": 20, "hours_worked": 160,
                      "norm_hours": row["prefill"].get("norm_hours", 160), "norm_met": True,
                      "accrued_kzt": 123_457}]}
    key = {"Idempotency-Key": f"warehouse-{month:%Y-%m}-{line_id}-{login}"}
    try:
        first = client.put(f"/api/v1/lines/{line_id}/wages?month={month:%Y-%m}", json=body,
                           headers=bearer(secret, **key))
        assert first.status_code == 200, first.get_json()
        db.session.expire_all()
        written = db.session.scalar(select(func.count(WageRecord.id)))
        version = db.session.scalar(select(WageRecord.version_id).where(
            WageRecord.placement_id == placement_id, WageRecord.month == month))
        second = client.put(f"/api/v1/lines/{line_id}/wages?month={month:%Y-%m}", json=body,
                            headers=bearer(secret, **key))
        assert second.status_code == 200 and second.headers["Idempotent-Replayed"] == "true"
        db.session.expire_all()
        assert db.session.scalar(select(func.count(WageRecord.id))) == written
        assert db.session.scalar(select(WageRecord.version_id).where(
            WageRecord.placement_id == placement_id, WageRecord.month == month)) == version
    finally:  # the demo database is shared: take away the record, key and token written here
        db.session.rollback()
        written = select(WageRecord.id).where(WageRecord.placement_id == placement_id,
                                              WageRecord.month == month)
        db.session.execute(delete(WageCheck).where(WageCheck.wage_record_id.in_(written)))
        db.session.execute(delete(WageRecord).where(WageRecord.placement_id == placement_id,
                                                    WageRecord.month == month))
        db.session.execute(delete(IdempotentRequest).where(IdempotentRequest.key == key["Idempotency-Key"]))
        db.session.execute(delete(ApiToken).where(ApiToken.name == name))
        db.session.commit()
