"""Seed a fresh database for the browser journeys: reference data, a small world, users.

Run as ``python -m tests.e2e.seed`` with DATABASE_URL set; prints nothing on success.
"""
from datetime import timedelta

import timeutil
from app import create_app
from extensions import db
from tests import factories

PASSWORD = factories.PASSWORD


def seed():
    """Build the journeys' world: one Astana facility with people and an open line."""
    from flask_migrate import upgrade

    from reference.services import load_reference

    upgrade()
    load_reference()
    db.session.commit()
    world = factories.small_world()
    today = timeutil.today()
    for n in range(12):
        factories.person(world.facility_a, last_name=f"Сейткали{n}", first_name="Ерлан",
                         skills=(("7533", "qualified", 2 + n % 5), ("8153", "trainee", 1)),
                         admitted_on=today - timedelta(days=400 + n),
                         expected_release_on=today + timedelta(days=700 + 30 * n))
    # A sewing workshop outside the facilities, in Astana, open to people on probation
    # (the probation journey), with its own owner.
    workshop = factories.enterprise("sme", region_code="KZ-71", name="ТОО Шебер тігін")
    factories.line(workshop, None, headcount=10, title="Тігін шеберханасы",
                   open_to_probation=True, leavers_within_months=12)
    factories.user("owner", login="owner_ws", enterprise_id=workshop.id)
    db.session.commit()
    return world


if __name__ == "__main__":
    app = create_app({"PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    with app.app_context():
        seed()
