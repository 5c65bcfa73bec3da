"""Lists run a fixed number of queries per page, however many rows they show."""
import pytest
from sqlalchemy import event

from extensions import db
from tests import factories
from tests.enterprises.test_enterprises_registry import english  # noqa: F401  (autouse)

PAGES = ["/facilities/", "/facilities/spaces", "/enterprises/", "/enterprises/leases",
         "/enterprises/lines"]


def statements_for(app, client, path):
    """Return the number of SQL statements one request runs."""
    seen = []

    def count(*_args):
        seen.append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


@pytest.mark.parametrize("path", PAGES)
def test_list_queries_do_not_grow_with_rows(app, client, auth, world, path):
    auth.login("admin")
    before = statements_for(app, client, path)
    for n in range(8):
        facility = factories.facility(region_code=("KZ-71", "KZ-35", "KZ-63")[n % 3])
        enterprise = factories.enterprise("sme", region_code="KZ-63")
        space = factories.space(facility, area=100 + n)
        lease = factories.lease(enterprise, space, area=50)
        line = factories.line(enterprise, facility, lease=lease)
        factories.placement(factories.person(facility), line)
    db.session.commit()
    assert statements_for(app, client, path) == before
