"""Query and response schemas of the statistics endpoints (api/statistics_views.py): the
filters of a report (date and scope), the months of a series, and the headline, breakdown,
enterprise, wage and series figures as the dashboard computes and suppresses them."""
import marshmallow as ma
from marshmallow import fields, validate

from reference.codes import SECURITY_LEVELS
from reports.scope import EMPLOYER_KINDS

from .schemas import ID, Count, StoredDate, Strict


class StatisticsQuery(Strict):
    on = StoredDate(metadata={"description": "Default: today"})
    region = fields.Integer(**ID)
    facility = fields.Integer(**ID)
    security_level = fields.String(validate=validate.OneOf(sorted(SECURITY_LEVELS)))
    employer_kind = fields.String(validate=validate.OneOf(EMPLOYER_KINDS))


class SeriesQuery(StatisticsQuery):
    months = fields.Integer(validate=validate.Range(min=1, max=36), load_default=12)


class HeadlineSchema(ma.Schema):
    in_custody = Count()
    able_bodied = Count()
    employed = Count()
    rate = fields.Float(allow_none=True)


class SeriesPointSchema(HeadlineSchema):
    on = fields.Date()


class BreakdownRowSchema(ma.Schema):
    key = fields.Raw(metadata={"oneOf": [{"type": "integer"}, {"type": "string"}]})
    code = fields.String()
    name_kk = fields.String()
    name_ru = fields.String()
    name_en = fields.String(allow_none=True)
    in_custody = Count()
    able_bodied = Count()
    employed = Count()
    enterprises = Count()
    rate = fields.Float(allow_none=True)
    share = fields.Float(allow_none=True)


class EnterpriseFiguresSchema(ma.Schema):
    smes_engaged = fields.Integer()
    branches_engaged = fields.Integer()
    services_engaged = fields.Integer()
    area_leased_m2 = fields.Float()
    new_enterprises = fields.Integer()
    new_employed = Count()


class WageMonthFiguresSchema(ma.Schema):
    month = fields.Date()
    accrued_kzt = fields.Integer(allow_none=True)
    persons = Count()
    mean_kzt = fields.Integer(allow_none=True)
    full_norm = fields.Integer()
    below_minimum = Count()
    below_share = fields.Float(allow_none=True)


class ScopeSchema(ma.Schema):
    region_id = fields.Integer(allow_none=True)
    facility_id = fields.Integer(allow_none=True)
    security_level = fields.String(allow_none=True)
    employer_kind = fields.String(allow_none=True)


class StatisticsSchema(ma.Schema):
    on = fields.Date()
    scope = fields.Nested(ScopeSchema)
    suppressed = fields.Boolean(metadata={"description": "Small cells shown as \"<5\""})
    headline = fields.Nested(HeadlineSchema)
    breakdowns = fields.Dict(keys=fields.String(),
                             values=fields.List(fields.Nested(BreakdownRowSchema)))
    enterprises = fields.Nested(EnterpriseFiguresSchema)
    wages = fields.List(fields.Nested(WageMonthFiguresSchema))
    series = fields.List(fields.Nested(SeriesPointSchema))


class SeriesSchema(ma.Schema):
    on = fields.Date()
    scope = fields.Nested(ScopeSchema)
    suppressed = fields.Boolean()
    series = fields.List(fields.Nested(SeriesPointSchema))
    wages = fields.List(fields.Nested(WageMonthFiguresSchema))
