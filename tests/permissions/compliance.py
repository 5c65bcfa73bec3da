"""Routes of compliance: a person's records, norms, figures and the evidence pack."""
from datetime import date

from sqlalchemy import select

from compliance.models import Consent, Pause
from extensions import db
from tests.permissions.marketplace import _placement_id

STAFF = {"admin", "inspector"}

ROUTES = {
    "compliance.person": STAFF | {"probation_officer"},
    "compliance.consent_new": STAFF | {"probation_officer"},
    "compliance.consent_withdraw": STAFF | {"probation_officer"},
    "compliance.consent_document": STAFF | {"probation_officer"},
    "compliance.briefing_new": STAFF,
    "compliance.injury_new": STAFF,
    "compliance.pause_new": STAFF,
    "compliance.pause_resume": STAFF,
    "compliance.reason_new": STAFF,
    "compliance.payment_new": STAFF,
    "compliance.norms": {"admin"},
    "compliance.cap_new": {"admin"},
    "compliance.hours_new": {"admin"},
    "compliance.savings_new": {"admin"},
    "compliance.figures_page": {"admin", "analyst"},
    "compliance.evidence_pack": {"admin", "analyst", "inspector", "owner"},
}


def _consent_id(world):
    """Return a consent of person_a to line_a, creating it the first time."""
    found = db.session.scalars(select(Consent)).first()
    if found is None:
        found = Consent(person_id=world.person_a.id, line_id=world.line_a.id,
                        taken_on=date(2021, 1, 20), taken_by="X")
        db.session.add(found)
        db.session.commit()
    return found.id


def _pause_id(world):
    """Return a pause of person_a's placement, creating it the first time."""
    found = db.session.scalars(select(Pause)).first()
    if found is None:
        found = Pause(placement_id=_placement_id(world), kind="sick",
                      started_on=date(2021, 3, 1))
        db.session.add(found)
        db.session.commit()
    return found.id


PARAMS = {"consent_id": _consent_id, "pause_id": _pause_id}
