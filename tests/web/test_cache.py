"""One cache for every worker: dashboards reuse their figures until the data changes."""
import os
import re
import uuid
from datetime import date
from io import BytesIO

import pytest
import redis
from openpyxl import load_workbook
from sqlalchemy import text

from extensions import db
from marketplace.placements import start_placement
from tests import factories
from tests.conftest import FreshContextClient, make_test_app

DAY = date(2024, 6, 3)
DASHBOARD = f"/reports/?on={DAY.isoformat()}"


def employed_shown(client):
    """Return the headline 'employed' figure the dashboard shows."""
    page = client.get(DASHBOARD).get_data(as_text=True)
    return int(re.search(r'id="headline-employed">([^<]+)<', page).group(1).replace("\u00a0", "")
               .replace(",", "").replace(" ", ""))


def employed_exported(client):
    """Return the 'Employed' figure of the exported workbook's summary (small cells hidden)."""
    data = client.get(f"/reports/export.xlsx?on={DAY.isoformat()}&lang=en").data
    rows = load_workbook(BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True)
    return next(row[1] for row in rows if row[0] == "Employed")


def place_behind_the_apps_back(world):
    """Insert a placement with raw SQL on its own connection: no session, so no cache news."""
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO placement (person_id, line_id, slot, started_on, wage_kzt, created_at) "
            "VALUES (:person, :line, 1, :day, 90000, :day)"),
            {"person": world.person_a.id, "line": world.line_a.id, "day": DAY})


def test_dashboard_keeps_its_figures_and_exports_compute_afresh(app, world, client, auth):
    app.config["STATISTICS_CACHE_SECONDS"] = 600
    auth.login("admin")
    assert employed_shown(client) == 0 and employed_exported(client) == 0
    place_behind_the_apps_back(world)
    assert employed_shown(client) == 0  # still the cached figures
    # The export counted the new placement: one person, so hidden as a small count (<5).
    assert employed_exported(client) == "<5"


def test_a_write_through_the_app_refreshes_every_dashboard(app, world, client, auth):
    app.config["STATISTICS_CACHE_SECONDS"] = 600
    auth.login("admin")
    assert employed_shown(client) == 0
    factories.consent_all()
    start_placement(world.person_a.id, world.line_a.id, DAY)
    db.session.commit()
    assert employed_shown(client) == 1


def test_a_page_view_does_not_throw_the_figures_away(app, world, client, auth):
    app.config["STATISTICS_CACHE_SECONDS"] = 600
    auth.login("admin")
    assert employed_shown(client) == 0
    client.get(f"/people/{world.person_a.id}")  # audited view: a commit, but no figure changes
    place_behind_the_apps_back(world)
    assert employed_shown(client) == 0


def _redis_url():
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is required under CI")
        pytest.skip("no Redis on this machine")
    return url


def test_two_workers_share_one_cache_through_redis(database_url, world):
    factories.consent_all()
    db.session.commit()
    url, prefix = _redis_url(), f"test-{uuid.uuid4().hex[:8]}:"
    workers = [make_test_app(database_url, REDIS_URL=url, CACHE_KEY_PREFIX=prefix,
                             STATISTICS_CACHE_SECONDS=600) for _ in range(2)]
    clients = []
    for worker in workers:
        worker.test_client_class = FreshContextClient
        client = worker.test_client()
        client.post("/login", data={"login": "admin", "password": factories.PASSWORD})
        clients.append(client)
    assert employed_shown(clients[0]) == 0
    place_behind_the_apps_back(world)
    assert employed_shown(clients[1]) == 0  # the second worker reads the first one's figures
    with workers[1].app_context():
        start_placement(world.person_b.id, world.line_b.id, DAY)
        db.session.commit()
    assert employed_shown(clients[0]) == 2  # a write through one worker refreshes the other
    connection = redis.Redis.from_url(url)
    for key in connection.scan_iter(f"{prefix}*"):
        connection.delete(key)


def test_threads_asking_for_a_missing_figure_wait_for_one_computation(app):
    import threading
    import time

    from web.cache import remembered

    app.config["STATISTICS_CACHE_SECONDS"] = 60
    computed, answers, start = [], [], threading.Barrier(6)

    def slow():
        computed.append(threading.get_ident())
        time.sleep(0.3)  # long enough for every thread to ask meanwhile
        return {"employed": len(computed)}

    def ask():
        with app.app_context():
            start.wait()
            answers.append(remembered(("a national dashboard", "test"), slow))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(computed) == 1, "one thread computes, the others wait for its answer"
    assert answers == [{"employed": 1}] * 6
