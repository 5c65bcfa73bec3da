"""Reference data: the occupation picker's search."""
from flask import Blueprint, request

from accounts.permissions import ALL_ROLES, roles

from . import services

bp = Blueprint("reference", __name__)


@bp.route("/occupations.json")
@roles(*ALL_ROLES)
def occupations_json():
    """Return occupations matching ?q= in any language, for the picker."""
    found = services.search_occupations(request.args.get("q", "")[:60])
    return {"results": [{"code": o.code, "title": o.title,
                         "label": f"{o.code} · {o.title}"} for o in found]}
