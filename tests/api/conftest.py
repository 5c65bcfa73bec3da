"""API fixtures: a token for each role of the small world, and a client that sends it."""
import pytest

from accounts.tokens import create_token
from extensions import db
from tests import factories

ROLES = ("admin", "analyst", "inspector_a", "owner_a")


@pytest.fixture
def tokens(world):
    """A secret for each user of the small world (admin, analysts, inspectors, owners)."""
    secrets = {name: create_token(getattr(world.users, name), "tests")[1]
               for name in vars(world.users)}
    db.session.commit()
    return secrets


def bearer(secret, **extra):
    """Return the headers of a call with a token."""
    return {"Authorization": f"Bearer {secret}", **extra}


@pytest.fixture
def placed(world):
    """person_a working on line_a since February 2021."""
    placement = factories.placement(world.person_a, world.line_a)
    db.session.commit()
    return placement


def pytest_configure(config):
    """Register the mark of the longer API runs (schemathesis)."""
    config.addinivalue_line("markers", "slow: a longer run (about a minute)")
