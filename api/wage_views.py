"""Wage records: read them, and write a line's month in one idempotent request, by the same
rules and services as the wage grid and the wage sheet import (marketplace/wages.py,
marketplace/wage_entry.py, marketplace/wage_import.py)."""
from flask import Response
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from accounts import audit
from accounts.permissions import get_or_404, roles, scoped, visible
from enterprises.models import ProductionLine
from extensions import db
from marketplace import wage_entry, wage_import, wages
from marketplace.models import Placement, WageRecord
from marketplace.wage_views import WAGE_ROLES
from reference.services import minimum_wage
from timeutil import today

from . import idempotency
from .blueprint import bp
from .paging import paginated
from .problems import MEDIA_TYPE, Problem
from .schemas import (IdempotencyHeader, ProblemSchema, WageMonthInput, WageMonthQuery,
                      WageMonthSchema, WageQuery, WageRecordSchema, WageWriteResultSchema)
from .tokens import require_writable


def _month(value):
    return wage_entry.parse_month(value, today())


@bp.route("/wage-records", tags=["wages"])
@roles(*WAGE_ROLES)
@bp.arguments(WageQuery, location="query", as_kwargs=True)
@bp.response(200, WageRecordSchema(many=True))
@paginated(bp)
def wage_records(month=None, line=None):
    """List the wage records the token's user may see, newest month first."""
    query = scoped(WageRecord).order_by(WageRecord.month.desc(), WageRecord.id)
    if month:
        query = query.where(WageRecord.month == _month(month))
    if line:
        query = query.where(WageRecord.placement_id.in_(
            select(Placement.id).where(Placement.line_id == line)))
    return query


def _grid_rows(line, month):
    minimum = minimum_wage(month.year)
    rows = []
    for row in wages.grid(line.id, month, visible(Placement)):
        current = {f: getattr(row.record, f) for f in wage_entry.FIELDS} if row.record else {}
        rows.append({"placement_id": row.placement.id, "file_number": row.file_number,
                     "full_name": row.full_name, "full_month": row.full_month,
                     "below_minimum": wages.below_minimum(current, row.placement, month, minimum),
                     "record": row.record, "prefill": row.prefill})
    return minimum, rows


@bp.route("/lines/<int:line_id>/wages", tags=["wages"], methods=["GET"])
@roles(*WAGE_ROLES)
@bp.arguments(WageMonthQuery, location="query", as_kwargs=True)
@bp.response(200, WageMonthSchema)
def wage_month(line_id, month):
    """Show a line's wage grid of a month: one row per placement active in it."""
    line = get_or_404(ProductionLine, line_id)
    first = wage_entry.shown_month(_month(month))
    minimum, rows = _grid_rows(line, first)
    return {"line_id": line.id, "month": f"{first:%Y-%m}", "minimum_wage_kzt": minimum,
            "rows": rows}


def _checked_rows(line, month, posted):
    """Check the posted rows as the grid does; return (rows to save, unchanged count)."""
    problem = wage_entry.month_problem(month)
    if problem is not None:
        raise Problem(422, "month_not_open", detail=str(problem))
    grid = {row.placement.id: row for row in wages.grid(line.id, month, visible(Placement))}
    errors, clean_rows, unchanged, seen = {}, [], 0, set()
    for index, raw in enumerate(posted):
        row = grid.get(raw["placement_id"])
        if row is None:
            errors[str(index)] = {"placement_id": _(
                "No placement with this id on this line in this month.")}
            continue
        if row.placement.id in seen:
            errors[str(index)] = {"placement_id": _("This placement appears twice.")}
            continue
        seen.add(row.placement.id)
        if row.record is not None and wage_entry.unchanged(raw, row.record):
            unchanged += 1
            continue
        clean, problems = wage_entry.validate(raw, row.placement, month)
        if problems:
            errors[str(index)] = {field: str(message) for field, message in problems.items()}
            continue
        clean_rows.append({"placement_id": row.placement.id, **clean})
    if errors:
        raise Problem(422, "invalid_rows", detail=_(
            "Nothing was saved: correct the rows listed in errors."), errors={"rows": errors})
    return clean_rows, unchanged


@bp.route("/lines/<int:line_id>/wages", tags=["wages"], methods=["PUT"])
@roles(*WAGE_ROLES)
@bp.alt_response(428, schema=ProblemSchema, content_type=MEDIA_TYPE, description=(
    f"No Idempotency-Key header (code `{idempotency.MISSING_KEY}`): nothing was written."))
@idempotency.key_required
@bp.arguments(WageMonthQuery, location="query", as_kwargs=True)
@bp.arguments(IdempotencyHeader, location="headers", as_kwargs=True)
@bp.arguments(WageMonthInput, as_kwargs=True)
@bp.response(200, WageWriteResultSchema)
def wage_month_write(line_id, month, key, rows):
    """Write a line's wages of a month, all rows or none; rows repeating the saved record
    are left as they are. The same Idempotency-Key again replays the first answer."""
    require_writable()
    line = get_or_404(ProductionLine, line_id)
    first = _month(month)
    claimed = idempotency.claim(current_user, key)
    if isinstance(claimed, Response):
        return claimed
    clean_rows, unchanged = _checked_rows(line, first, rows)
    try:
        problems = wage_import.save_all(clean_rows, line, first, current_user, visible(Placement))
    except (IntegrityError, StaleDataError):
        raise Problem(409, "conflict", detail=_("Someone else changed these wages meanwhile. "
                                                "Read them again and resend.")) from None
    if problems:
        raise Problem(409, "conflict", detail=" ".join(problems))
    audit.record("import", entity="wage_month", entity_id=line.id,
                 detail=f"api {first:%Y-%m}: {len(clean_rows)} rows")
    saved = [row.record for row in wages.grid(line.id, first, visible(Placement))
             if row.record is not None and row.placement.id in {
                 r["placement_id"] for r in clean_rows}]
    body = WageWriteResultSchema().dump({"line_id": line.id, "month": f"{first:%Y-%m}",
                                         "saved": len(clean_rows), "unchanged": unchanged,
                                         "records": saved})
    response = idempotency.finish(claimed, 200, body)
    try:
        db.session.commit()
    except (IntegrityError, StaleDataError):
        raise Problem(409, "conflict") from None
    return response
