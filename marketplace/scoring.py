"""How well a person fits a line: every weight of the ranking lives here (DESIGN.md section 5).

The score of a person for a line is the best, over the line's required occupations and the
person's skills, of

    score = MATCH[kind] + LEVEL[level] + EXPERIENCE * min(years, EXPERIENCE_CAP) / EXPERIENCE_CAP
            + CERTIFIED (if certified) - BELOW_MIN_LEVEL (if below the line's minimum level)
            + MONTHS_LEFT * min(months_left, MONTHS_LEFT_CAP) / MONTHS_LEFT_CAP

clamped to [0, 1]. ``kind`` is how close the skill's ISCO-08 code is to the required one:

- ``exact``: same unit group (4 digits),
- ``minor``: same minor group (first 3 digits),
- ``submajor``: same sub-major group (first 2 digits).

A person without a related skill on a line that provides training scores
``TRAINING_BASE`` plus the months-left part.

The match weights are spaced so that the kind dominates: the best possible ``minor`` match
(expert, 10+ years, certified) still scores below a bare ``exact`` trainee match (at the
line's minimum level) with the same months left, and the same holds between ``minor`` and
``submajor``. A person without a related skill is no candidate at all unless the line provides training, and then only at
the low ``TRAINING_BASE``. Months left reward people who can stay long enough to learn.
"""
from functools import lru_cache

from flask_babel import lazy_gettext as _l

from reference.codes import SKILL_LEVEL_RANK, SKILL_LEVELS

MATCH = {"exact": 0.56, "minor": 0.30, "submajor": 0.04}
LEVEL = {"trainee": 0.0, "qualified": 0.08, "expert": 0.12}
EXPERIENCE = 0.10
EXPERIENCE_CAP = 10          # years; more experience adds nothing
CERTIFIED = 0.03
BELOW_MIN_LEVEL = 0.10       # subtracted when the skill's level is below the line's minimum
MONTHS_LEFT = 0.19
MONTHS_LEFT_CAP = 24         # months; a longer sentence adds nothing
TRAINING_BASE = 0.05         # a person without a related skill on a line that trains



def kind_reason(kind, code):
    """Return the translatable reason naming how a skill matched a required occupation."""
    if kind == "exact":
        return _l("exact occupation %(code)s", code=code)
    if kind == "minor":
        return _l("same minor group as %(code)s", code=code)
    return _l("same sub-major group as %(code)s", code=code)


@lru_cache(maxsize=4096)
def match_kind(skill_code, required_code):
    """Say how close two ISCO-08 unit group codes are: exact, minor, submajor or None."""
    if skill_code == required_code:
        return "exact"
    if skill_code[:3] == required_code[:3]:
        return "minor"
    if skill_code[:2] == required_code[:2]:
        return "submajor"
    return None


def _clamp(value):
    return max(0.0, min(1.0, value))


def _months_part(months_left):
    return MONTHS_LEFT * min(max(months_left, 0), MONTHS_LEFT_CAP) / MONTHS_LEFT_CAP


def _best(requirements, skills):
    """Return (value without months, kind, required code, level, years, certified, below)."""
    best = None
    for code, level, years, certified in skills:
        for required, min_level in requirements:
            kind = match_kind(code, required)
            if kind is None:
                continue
            below = SKILL_LEVEL_RANK.get(level, 0) < SKILL_LEVEL_RANK.get(min_level, 0)
            value = (MATCH[kind] + LEVEL.get(level, 0.0)
                     + EXPERIENCE * min(max(years, 0), EXPERIENCE_CAP) / EXPERIENCE_CAP
                     + (CERTIFIED if certified else 0.0) - (BELOW_MIN_LEVEL if below else 0.0))
            if best is None or value > best[0]:
                best = (value, kind, required, level, years, certified, below)
    return best


def value(requirements, skills, months_left, training_provided=False, best=False):
    """Return the score alone (no reasons): the fast path for scoring many pairs.

    ``best`` may pass in what ``_best`` already found for these requirements and skills.
    """
    if best is False:
        best = _best(requirements, skills)
    if best is None:
        return _clamp(TRAINING_BASE + _months_part(months_left)) if training_provided else 0.0
    return _clamp(best[0] + _months_part(months_left))


def score(requirements, skills, months_left, training_provided=False):
    """Score a person for a line; return (score in [0, 1], list of translatable reasons).

    ``requirements``: (occupation code, minimum level) pairs of the line;
    ``skills``: (occupation code, level, years of experience, certified) of the person;
    ``months_left``: whole months before expected release. A person with no related skill
    scores 0 with no reasons unless the line provides training.
    """
    best = _best(requirements, skills)
    total = value(requirements, skills, months_left, training_provided, best=best)
    months_reason = _l("%(months)s months left", months=months_left)
    if best is None:
        if not training_provided:
            return 0.0, []
        return total, [_l("no related skill, training provided"), months_reason]
    _, kind, required, level, years, certified, below = best
    reasons = [kind_reason(kind, required), SKILL_LEVELS.get(level, level),
               _l("%(years)s years", years=years)]
    if certified:
        reasons.append(_l("certified"))
    if below:
        reasons.append(_l("below the line's minimum level"))
    reasons.append(months_reason)
    return total, reasons
