"""Routes of inmates/: the roster, person records, skills, release, transfer, import and
the probation service's clients."""
from sqlalchemy import select

from extensions import db
from inmates.models import Person, Supervision
from tests import factories

STAFF = {"admin", "inspector"}
PROBATION = {"admin", "probation_officer"}
KEEPERS = {"admin", "inspector", "probation_officer"}

ROUTES = {
    "marketplace.roster": STAFF,
    "inmates.person": STAFF,
    "inmates.person_new": STAFF,
    "inmates.person_edit": STAFF,
    "inmates.person_release": STAFF,
    "inmates.person_transfer": STAFF,
    "inmates.release_correct": STAFF,
    "inmates.transfer_correct": STAFF,
    "inmates.skill_new": KEEPERS,
    "inmates.skill_edit": KEEPERS,
    "inmates.skill_remove": KEEPERS,
    "inmates.clients": PROBATION,
    "inmates.client_new": PROBATION,
    "inmates.client_take": PROBATION,
    "inmates.client": PROBATION,
    "inmates.supervision_end": PROBATION,
    "inmates.import_template": STAFF,
    "inmates.import_upload": STAFF,
    "inmates.import_confirm": STAFF,
}

def _supervision_id(world):
    """Return the supervision of a client of the KZ-71 probation service, made once."""
    found = db.session.scalars(select(Supervision).join(Person).where(
        Person.file_number == "ПР-URLMAP")).first()
    if found is None:
        factories.client(factories.probation_service("KZ-71"), file_number="ПР-URLMAP")
        db.session.commit()
        found = db.session.scalars(select(Supervision).join(Person).where(
            Person.file_number == "ПР-URLMAP")).one()
    return found.id


PARAMS = {"skill_id": lambda world: world.person_a.skills[0].id,
          "supervision_id": _supervision_id}
