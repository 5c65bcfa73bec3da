"""Request and response schemas of the API (marshmallow); the OpenAPI description is made
from them, and every query string and body is validated by them before a view runs.

This module holds the shared field types (Strict, Count, UtcDateTime, StoredDate, ID) and the
schemas of errors, reference data, lines, people, placements, wages and changes; the
statistics schemas are in api/statistics_schemas.py."""
from datetime import timezone

import marshmallow as ma
from flask_login import current_user
from marshmallow import fields, validate

from reference.codes import END_REASONS, LINE_STATUSES, SECURITY_LEVELS, SKILL_LEVELS
from timeutil import STORED_FROM, STORED_UNTIL
from web.forms import MAX_INT

ID = {"validate": validate.Range(min=1, max=MAX_INT)}
# A count of people, or "<5" where a small cell is suppressed (reports/services.py).
COUNT = {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "enum": ["<5"]}]}


class Strict(ma.Schema):
    """A schema refusing unknown fields, so a misspelt filter is an error, not ignored."""

    class Meta:
        unknown = ma.RAISE


class Count(fields.Raw):
    """An integer count, or the string "<5" where a small cell is suppressed."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"oneOf": COUNT["oneOf"]}, **kwargs)


class UtcDateTime(fields.DateTime):
    """A moment kept as naive UTC, written with its offset (RFC 3339: ...+00:00)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class StoredDate(fields.Date):
    """A date within the range the database keeps (1990 to 2100)."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Range(min=STORED_FROM, max=STORED_UNTIL), **kwargs)


# --- Errors ------------------------------------------------------------------------------

class ProblemSchema(ma.Schema):
    """An error (RFC 9457 problem details) with a stable code and a translated title."""

    type = fields.String(metadata={"example": "about:blank"})
    status = fields.Integer(metadata={"example": 404})
    code = fields.String(metadata={"description": "Stable error code, e.g. not_found, "
                                                  "invalid_input, rate_limited"})
    title = fields.String(metadata={"description": "In the token user's language"})
    detail = fields.String()
    errors = fields.Dict(metadata={"description": "Bad fields by location (query, json, "
                                                  "headers) or by row"})


# --- Reference data ----------------------------------------------------------------------

class RegionSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String(metadata={"example": "KZ-71"})
    name_kk = fields.String()
    name_ru = fields.String()
    name_en = fields.String()


class FacilitySchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name_kk = fields.String()
    name_ru = fields.String()
    name_en = fields.String(allow_none=True)
    region_id = fields.Integer()
    security_level = fields.String(metadata={"enum": sorted(SECURITY_LEVELS)})
    is_pre_trial = fields.Boolean()


class OccupationSchema(ma.Schema):
    code = fields.String(metadata={"description": "ISCO-08 unit group", "example": "7533"})
    title_kk = fields.String()
    title_ru = fields.String()
    title_en = fields.String()


class MinimumWageSchema(ma.Schema):
    year = fields.Integer()
    amount_kzt = fields.Integer()


class FacilityQuery(Strict):
    region = fields.Integer(**ID, metadata={"description": "Region id"})


class OccupationQuery(Strict):
    code = fields.String(validate=validate.Regexp(r"^[0-9]{1,4}$"),
                         metadata={"description": "ISCO-08 code or its first digits"})


# --- Lines -------------------------------------------------------------------------------

class LineOccupationSchema(ma.Schema):
    occupation_code = fields.String()
    min_level = fields.String(metadata={"enum": sorted(SKILL_LEVELS)})


class LineSchema(ma.Schema):
    id = fields.Integer()
    title = fields.String()
    description = fields.String(allow_none=True)
    enterprise_id = fields.Integer()
    enterprise_name = fields.Function(lambda line: line.enterprise.name)
    enterprise_kind = fields.Function(lambda line: line.enterprise.kind)
    facility_id = fields.Integer(allow_none=True)
    region_id = fields.Integer()
    status = fields.String(metadata={"enum": sorted(LINE_STATUSES)})
    headcount = fields.Integer()
    places_taken = fields.Integer()
    free_places = fields.Integer()
    hours_per_week = fields.Integer()
    wage_kzt = fields.Integer()
    min_months_left = fields.Integer()
    involves_minors = fields.Boolean()
    outside_work = fields.Boolean()
    training_provided = fields.Boolean()
    opened_on = fields.Date(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    occupations = fields.List(fields.Nested(LineOccupationSchema))
    updated_at = UtcDateTime(allow_none=True)


class LineQuery(Strict):
    facility = fields.Integer(**ID, metadata={"description": "Facility id"})
    region = fields.Integer(**ID, metadata={"description": "Region id"})
    status = fields.String(validate=validate.OneOf(sorted(LINE_STATUSES)))
    occupation = fields.String(validate=validate.Regexp(r"^[0-9]{1,4}$"),
                               metadata={"description": "ISCO-08 code or its first digits"})


class SkillSchema(ma.Schema):
    occupation_code = fields.String()
    level = fields.String(metadata={"enum": sorted(SKILL_LEVELS)})
    years_experience = fields.Integer(allow_none=True)
    certified = fields.Boolean()


class PseudonymousCandidateSchema(ma.Schema):
    """What an owner sees of a candidate for their own line: no name, file number or id."""

    token = fields.String(metadata={"description": "Names the candidate on this line only"})
    pseudonym = fields.String()
    score = fields.Float()
    reasons = fields.List(fields.String())
    skills = fields.List(fields.Nested(SkillSchema))
    months_available = fields.Integer()


class CandidateSchema(ma.Schema):
    person_id = fields.Integer()
    file_number = fields.String()
    full_name = fields.String()
    facility_id = fields.Integer()
    expected_release_on = fields.Date()
    months_left = fields.Integer()
    score = fields.Float()
    reasons = fields.List(fields.String())


class CandidatesSchema(ma.Schema):
    pseudonymous = fields.Boolean()
    candidates = fields.List(fields.Nested(CandidateSchema))
    profiles = fields.List(fields.Nested(PseudonymousCandidateSchema))


# --- People and placements ---------------------------------------------------------------

class PersonSchema(ma.Schema):
    id = fields.Integer()
    file_number = fields.String()
    last_name = fields.String()
    first_name = fields.String()
    patronymic = fields.String(allow_none=True)
    birth_on = fields.Date()
    gender = fields.String()
    facility_id = fields.Integer()
    custody_status = fields.String()
    admitted_on = fields.Date()
    expected_release_on = fields.Date()
    released_on = fields.Date(allow_none=True)
    able_bodied = fields.Boolean()
    no_work_with_minors = fields.Boolean()
    no_outside_work = fields.Boolean()
    skills = fields.List(fields.Nested(SkillSchema))


class PersonQuery(Strict):
    facility = fields.Integer(**ID, metadata={"description": "Facility id (administrators)"})
    status = fields.String(validate=validate.OneOf(["in_custody", "released", "transferred",
                                                    "on_probation"]))


class WorkerSchema(ma.Schema):
    """One of an enterprise's current workers, as the workers page shows them."""

    placement_id = fields.Integer(attribute="id")
    file_number = fields.Function(lambda placement: placement.person.file_number)
    full_name = fields.Function(lambda placement: placement.person.full_name)
    line_id = fields.Integer()
    line_title = fields.Function(lambda placement: placement.line.title)
    started_on = fields.Date()
    wage_kzt = fields.Integer()


class PlacementSchema(ma.Schema):
    """A placement; owners (their current workers only) get no person id."""

    id = fields.Integer()
    person_id = fields.Integer(metadata={"description": "Not shown to owners"})
    file_number = fields.Function(lambda placement: placement.person.file_number)
    full_name = fields.Function(lambda placement: placement.person.full_name)
    line_id = fields.Integer()
    slot = fields.Integer()
    started_on = fields.Date()
    ended_on = fields.Date(allow_none=True)
    end_reason = fields.String(allow_none=True, metadata={"enum": sorted(END_REASONS)})
    wage_kzt = fields.Integer()
    updated_at = UtcDateTime(allow_none=True)

    @ma.post_dump
    def _owners_see_no_person_id(self, data, **_kwargs):
        if current_user.role == "owner":
            data.pop("person_id", None)
        return data


class PlacementQuery(Strict):
    line = fields.Integer(**ID, metadata={"description": "Line id"})
    person = fields.Integer(**ID, metadata={"description": "Person id (not for owners)"})
    current = fields.Boolean(metadata={"description": "Only placements holding a place"})


# --- Wages -------------------------------------------------------------------------------

MONTH = validate.Regexp(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
KZT = validate.Range(min=0, max=100_000_000)


class WageRecordSchema(ma.Schema):
    id = fields.Integer()
    placement_id = fields.Integer()
    month = fields.Date(metadata={"description": "First day of the month"})
    days_worked = fields.Integer()
    hours_worked = fields.Integer()
    norm_hours = fields.Integer()
    norm_met = fields.Boolean()
    accrued_kzt = fields.Integer()
    deduction_upkeep_kzt = fields.Integer()
    deduction_alimony_kzt = fields.Integer()
    deduction_damages_kzt = fields.Integer()
    deduction_tax_kzt = fields.Integer()
    deduction_other_kzt = fields.Integer()
    credited_kzt = fields.Integer()
    reviewed = fields.Function(lambda record: record.reviewed_at is not None)
    updated_at = UtcDateTime(allow_none=True)


class WageQuery(Strict):
    month = fields.String(validate=MONTH, metadata={"example": "2021-06"})
    line = fields.Integer(**ID, metadata={"description": "Line id"})


class WageGridRowSchema(ma.Schema):
    placement_id = fields.Integer()
    file_number = fields.String()
    full_name = fields.String()
    full_month = fields.Boolean()
    below_minimum = fields.Boolean()
    record = fields.Nested(WageRecordSchema, allow_none=True)
    prefill = fields.Dict(keys=fields.String(), values=fields.Integer())


class WageMonthSchema(ma.Schema):
    line_id = fields.Integer()
    month = fields.String()
    minimum_wage_kzt = fields.Integer(allow_none=True)
    rows = fields.List(fields.Nested(WageGridRowSchema))


class WageMonthQuery(Strict):
    month = fields.String(required=True, validate=MONTH, metadata={"example": "2021-06"})


class WageRowInput(Strict):
    """One worker's month, as in a row of the wage grid or sheet."""

    placement_id = fields.Integer(required=True, **ID)
    days_worked = fields.Integer(required=True, validate=validate.Range(min=0, max=31))
    hours_worked = fields.Integer(required=True, validate=validate.Range(min=0, max=400))
    norm_hours = fields.Integer(required=True, validate=validate.Range(min=1, max=400))
    norm_met = fields.Boolean(required=True)
    accrued_kzt = fields.Integer(required=True, validate=KZT)
    deduction_upkeep_kzt = fields.Integer(validate=KZT, load_default=0)
    deduction_alimony_kzt = fields.Integer(validate=KZT, load_default=0)
    deduction_damages_kzt = fields.Integer(validate=KZT, load_default=0)
    deduction_tax_kzt = fields.Integer(validate=KZT, load_default=0)
    deduction_other_kzt = fields.Integer(validate=KZT, load_default=0)
    credited_kzt = fields.Integer(validate=KZT, metadata={
        "description": "Accrued minus deductions when left out"})


class WageMonthInput(Strict):
    rows = fields.List(fields.Nested(WageRowInput), required=True,
                       validate=validate.Length(min=1, max=2000))


class IdempotencyHeader(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    key = fields.String(data_key="Idempotency-Key", required=True,
                        validate=validate.Regexp(r"^[\x21-\x7e]{8,200}$"),
                        metadata={"description": "8 to 200 visible ASCII characters; the same "
                                                 "key again replays the first answer; "
                                                 "without it: 428"})


class WageWriteResultSchema(ma.Schema):
    line_id = fields.Integer()
    month = fields.String()
    saved = fields.Integer(metadata={"description": "Records created or corrected"})
    unchanged = fields.Integer(metadata={"description": "Rows repeating the saved record"})
    records = fields.List(fields.Nested(WageRecordSchema))


# --- Changes -----------------------------------------------------------------------------

class ChangesQuery(Strict):
    since = fields.DateTime(required=True, metadata={
        "description": "UTC, ISO 8601; rows changed at or after it, oldest first"})
