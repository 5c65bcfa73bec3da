"""Fixed vocabularies: security levels, kinds and statuses, with translated labels."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

SECURITY_LEVELS = {
    "minimum": _l("Minimum security"),
    "medium": _l("Medium security"),
    "maximum": _l("Maximum security"),
    "extreme": _l("Extreme security"),
    "full": _l("Full security"),
    "mixed": _l("Mixed security"),
}

SPACE_KINDS = {
    "workshop": _l("Workshop"),
    "warehouse": _l("Warehouse"),
    "yard": _l("Yard"),
    "farm_land": _l("Farm land"),
}

ENTERPRISE_KINDS = {
    "state_branch": _l("State enterprise branch"),
    "sme": _l("Small or medium business"),
    "facility_service": _l("Facility service"),
}

ENTERPRISE_STATUSES = {
    "pending": _l("Pending approval"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
}

LEASE_STATUSES = {
    "requested": _l("Requested"),
    "active": _l("Active"),
    "ended": _l("Ended"),
    "rejected": _l("Rejected"),
}

LINE_STATUSES = {
    "draft": _l("Draft"),
    "open": _l("Open"),
    "paused": _l("Paused"),
    "closed": _l("Closed"),
}

SKILL_LEVELS = {
    "trainee": _l("Trainee"),
    "qualified": _l("Qualified"),
    "expert": _l("Expert"),
}
SKILL_LEVEL_RANK = {"trainee": 1, "qualified": 2, "expert": 3}

CUSTODY_STATUSES = {
    "in_custody": _l("In custody"),
    "released": _l("Released"),
    "transferred": _l("Transferred"),
    "on_probation": _l("On probation"),
}

# How a person came under probation supervision.
SUPERVISION_KINDS = {
    "after_release": _l("Released from a facility"),
    "non_custodial": _l("Non-custodial sentence"),
}

GENDERS = {"M": _l("Male"), "F": _l("Female")}

EDUCATION_LEVELS = {
    "none": _l("No formal education"),
    "primary": _l("Primary"),
    "basic_secondary": _l("Basic secondary"),
    "general_secondary": _l("General secondary"),
    "vocational": _l("Technical and vocational"),
    "higher": _l("Higher"),
}

END_REASONS = {
    "released": _l("Released"),
    "transferred": _l("Transferred"),
    "completed": _l("Completed"),
    "dismissed": _l("Dismissed"),
    "health": _l("Health"),
    "line_closed": _l("Line closed"),
    "withdrawn": _l("Consent withdrawn"),
    "other": _l("Other"),
}
# Reasons an event gives, never a user ending placements by hand: the person's release or
# transfer ends their placement (inmates), a consent's withdrawal that line's (compliance).
EVENT_END_REASONS = ("released", "transferred", "withdrawn")
# What a user may give when ending one placement by hand.
CHOSEN_END_REASONS = {k: v for k, v in END_REASONS.items() if k not in EVENT_END_REASONS}


def correctable_end_reasons(current):
    """Return the reasons a corrected end may give. An end that came with an event keeps its
    reason (a release is corrected as a release, with the person's record); any other takes
    one given by hand, never an event's."""
    if current in EVENT_END_REASONS:
        return {current: END_REASONS[current]}
    return dict(CHOSEN_END_REASONS)


# What may be said of every worker of a line at once, when the line closes.
LINE_CLOSING_REASONS = {k: END_REASONS[k] for k in ("line_closed", "completed", "other")}

# What an audit event records (accounts.audit), as the audit log shows it; the codes stay in
# the database and the CSV export.
AUDIT_ACTIONS = {
    "login": lazy_pgettext("audit", "Log in"),
    "logout": lazy_pgettext("audit", "Log out"),
    "view": lazy_pgettext("audit", "View"),
    "create": lazy_pgettext("audit", "Create"),
    "update": lazy_pgettext("audit", "Change"),
    "correct": lazy_pgettext("audit", "Correct"),
    "end": lazy_pgettext("audit", "End"),
    "revoke": lazy_pgettext("audit", "Revoke"),
    "import": lazy_pgettext("audit", "Import"),
    "export": lazy_pgettext("audit", "Export"),
    "api_write": lazy_pgettext("audit", "Write through the API"),
    "deny": lazy_pgettext("audit", "Refused"),
}

AUDIT_OUTCOMES = {
    "ok": lazy_pgettext("audit", "Done"),
    "failed": lazy_pgettext("audit", "Failed"),
    "locked": lazy_pgettext("audit", "Locked out"),
    "forbidden": lazy_pgettext("audit", "Not allowed for the role"),
    "out_of_scope": lazy_pgettext("audit", "Outside the user's scope"),
    "undeclared": lazy_pgettext("audit", "Route without permissions"),
    "read_only_token": lazy_pgettext("audit", "Read-only token"),
}

DEDUCTION_KINDS = {
    "upkeep": _l("Upkeep (food, clothing, utilities)"),
    "alimony": _l("Alimony"),
    "damages": _l("Damages to victims"),
    "tax": _l("Income tax and pension contributions"),
    "other": _l("Other deductions"),
}

ROLES = {
    "admin": _l("Administrator"),
    "analyst": _l("Ministry analyst"),
    "inspector": _l("Facility labour inspector"),
    "owner": _l("Business owner"),
    "probation_officer": _l("Probation officer"),
}


def sql_in(values):
    """Render a vocabulary as a SQL IN list for CheckConstraints."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def label(vocabulary, key):
    """Translate a code from one of the vocabularies above by the vocabulary's name."""
    table = globals()[vocabulary.upper()]
    return table.get(key, key) if key is not None else "—"


def choices(vocabulary, blank=None):
    """Return (code, label) pairs of a vocabulary for a select, after an optional blank."""
    return ([("", blank)] if blank is not None else []) + list(vocabulary.items())
