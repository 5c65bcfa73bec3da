"""Routes of the marketplace: candidates, requests, sites, fill, placements, workers, wages."""
from datetime import date

from sqlalchemy import select

from extensions import db
from marketplace.models import CandidateRequest, Placement
from tests import factories

STAFF = {"admin", "inspector"}
WITH_OWNER = {"admin", "inspector", "owner"}
PLACING = {"admin", "inspector", "probation_officer"}

ROUTES = {
    "marketplace.candidates": WITH_OWNER | {"probation_officer"},
    "marketplace.place": PLACING,
    "marketplace.request_candidate": {"owner"},
    "marketplace.requests": WITH_OWNER | {"probation_officer"},
    "marketplace.request_decide": PLACING,
    "marketplace.sites": WITH_OWNER,
    "marketplace.fill": STAFF,
    "marketplace.line_fill": PLACING,
    "marketplace.placement_end": PLACING,
    "marketplace.placement_transfer": STAFF,
    "marketplace.placement_correct": STAFF,
    "marketplace.person_history": STAFF,
    "marketplace.line_history": PLACING,
    "marketplace.workers": {"admin", "owner"},
    "marketplace.wages": WITH_OWNER,
    "marketplace.wage_grid": WITH_OWNER,
    "marketplace.wage_review": STAFF,
    "marketplace.wage_template": WITH_OWNER,
    "marketplace.wage_import_preview": WITH_OWNER,
    "marketplace.wage_import_confirm": WITH_OWNER,
    "marketplace.below_minimum": {"admin", "analyst", "inspector", "owner", "probation_officer"},
    "marketplace.placement_order": STAFF,
    "marketplace.work_record": STAFF,
    "marketplace.payroll_sheet": WITH_OWNER,
}


def _placement_id(world):
    """Return person_a's placement on line_a, creating it the first time."""
    found = db.session.scalars(select(Placement).where(
        Placement.person_id == world.person_a.id, Placement.line_id == world.line_a.id)).first()
    if found is None:
        found = factories.placement(world.person_a, world.line_a, started_on=date(2021, 2, 1))
        db.session.commit()
    return found.id


def _request_id(world):
    """Return a request for person_a on line_a, creating it the first time."""
    found = db.session.scalars(select(CandidateRequest).where(
        CandidateRequest.person_id == world.person_a.id)).first()
    if found is None:
        found = CandidateRequest(line_id=world.line_a.id, person_id=world.person_a.id,
                                 requested_by_id=world.users.owner_a.id)
        db.session.add(found)
        db.session.commit()
    return found.id


PARAMS = {"placement_id": _placement_id, "request_id": _request_id}
