"""A month's wages for a line in one idempotent request: the grid's rules, all rows or none,
and the same Idempotency-Key twice (or ten times at once) writes once."""
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from api.models import IdempotentRequest
from extensions import db
from marketplace.models import WageRecord
from tests.api.conftest import bearer
from tests.races import race_app

MONTH = "2021-03"


def row(placement, **values):
    return {"placement_id": placement.id, "days_worked": 22, "hours_worked": 176,
            "norm_hours": 176, "norm_met": True, "accrued_kzt": 60000,
            "deduction_upkeep_kzt": 5000, **values}


def put(client, world, secret, key, rows):
    return client.put(f"/api/v1/lines/{world.line_a.id}/wages?month={MONTH}", json={"rows": rows},
                      headers=bearer(secret, **{"Idempotency-Key": key}))


def records():
    db.session.expire_all()
    return db.session.scalar(select(func.count(WageRecord.id)))


def test_the_same_key_twice_writes_once(client, world, tokens, placed):
    first = put(client, world, tokens["inspector_a"], "march-line-a-0001", [row(placed)])
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert body["saved"] == 1 and body["records"][0]["credited_kzt"] == 55000
    version = db.session.scalars(select(WageRecord.version_id)).one()
    again = put(client, world, tokens["inspector_a"], "march-line-a-0001", [row(placed)])
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == body
    assert records() == 1
    assert db.session.scalars(select(WageRecord.version_id)).one() == version
    # The same key with another body is refused; nothing changes.
    other = put(client, world, tokens["inspector_a"], "march-line-a-0001",
                [row(placed, accrued_kzt=70000)])
    assert other.status_code == 422 and other.get_json()["code"] == "idempotency_key_reused"
    # A new key with the same figures leaves the record as it is (unchanged rows are skipped).
    same = put(client, world, tokens["inspector_a"], "march-line-a-0002", [row(placed)])
    assert same.get_json()["saved"] == 0 and same.get_json()["unchanged"] == 1


def test_bad_rows_save_nothing_and_keep_no_key(client, world, tokens, placed):
    bad = put(client, world, tokens["inspector_a"], "bad-month-0001",
              [row(placed, credited_kzt=1)])
    assert bad.status_code == 422
    assert bad.get_json()["code"] == "invalid_rows" and "credited_kzt" in bad.get_json()["errors"]["rows"]["0"]
    assert records() == 0
    assert db.session.scalar(select(func.count(IdempotentRequest.id))) == 0
    good = put(client, world, tokens["inspector_a"], "bad-month-0001", [row(placed)])
    assert good.status_code == 200 and records() == 1


def test_the_grid_rules_hold(client, world, tokens, placed):
    too_much = put(client, world, tokens["inspector_a"], "deduct-0001", [row(placed, accrued_kzt=1000)])
    assert too_much.status_code == 422  # deductions above the accrued pay, as in the grid
    future = client.put(f"/api/v1/lines/{world.line_a.id}/wages?month=2099-01",
                        json={"rows": [row(placed)]},
                        headers=bearer(tokens["inspector_a"], **{"Idempotency-Key": "future-01"}))
    assert future.status_code == 422 and future.get_json()["code"] == "month_not_open"
    no_key = client.put(f"/api/v1/lines/{world.line_a.id}/wages?month={MONTH}",
                        json={"rows": [row(placed)]}, headers=bearer(tokens["inspector_a"]))
    assert no_key.status_code == 428 and no_key.get_json()["code"] == "idempotency_key_required"
    short_key = put(client, world, tokens["inspector_a"], "short", [row(placed)])
    assert short_key.status_code == 422 and "headers" in short_key.get_json()["errors"]
    other_scope = put(client, world, tokens["inspector_b"], "scope-0001", [row(placed)])
    assert other_scope.status_code == 404
    assert records() == 0
    read = client.get(f"/api/v1/lines/{world.line_a.id}/wages?month={MONTH}",
                      headers=bearer(tokens["owner_a"])).get_json()
    assert read["rows"][0]["placement_id"] == placed.id and read["rows"][0]["record"] is None


def test_ten_concurrent_requests_with_one_key_write_once(database_url, app, world, tokens, placed):
    """Ten threads, each with its own app context, client and database session, send the
    same write with the same key at once: one writes, nine replay its answer."""
    racing = race_app(database_url, 12)
    clients = [racing.test_client() for _ in range(10)]
    barrier = threading.Barrier(10)
    line_id, secret, payload = world.line_a.id, tokens["inspector_a"], {"rows": [row(placed)]}

    def call(client):
        barrier.wait(timeout=30)
        return client.put(f"/api/v1/lines/{line_id}/wages?month={MONTH}", json=payload,
                          headers=bearer(secret, **{"Idempotency-Key": "concurrent-0001"}))

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(call, clients))
    with racing.app_context():
        db.engine.dispose()
    statuses = [answer.status_code for answer in answers]
    assert statuses == [200] * 10, [a.get_json() for a in answers]
    replayed = [answer.headers.get("Idempotent-Replayed") == "true" for answer in answers]
    assert replayed.count(False) == 1
    assert len({answer.get_data() for answer in answers}) == 1
    assert records() == 1
    assert db.session.scalar(select(func.count(IdempotentRequest.id))) == 1
