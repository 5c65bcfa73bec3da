"""Fixed vocabularies of the compliance records, with translated labels."""
from flask_babel import lazy_gettext as _l

PAUSE_KINDS = {
    "sick": _l("Sickness"),
    "suspended_paid": _l("Suspension with pay"),
    "suspended_unpaid": _l("Suspension without pay"),
    "absence": _l("Temporary absence"),
}

NOT_WORKING_REASONS = {
    "no_vacancy": _l("No suitable vacancy"),
    "education": _l("In education"),
    "sick": _l("Sick"),
    "refused": _l("Refused work"),
    "awaiting_transfer": _l("Awaiting transfer"),
}

INJURY_SEVERITIES = {
    "minor": _l("Minor"),
    "serious": _l("Serious"),
    "fatal": _l("Fatal"),
}


def reason_labels():
    """Return the label of each reason for not working, and of having none recorded."""
    return {**NOT_WORKING_REASONS, "none": _l("None recorded")}
