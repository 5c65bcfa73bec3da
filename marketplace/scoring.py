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

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Float, case, cast, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from reference.codes import SKILL_LEVEL_RANK, SKILL_LEVELS
from reference.services import occupation_label
from timeutil import months_reached

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
    """Return the translatable reason naming how a skill matched a required occupation,
    the occupation by its code and title in the user's language."""
    code = LazyString(occupation_label, code)  # looked up when shown, in the user's language
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
    months_reason = ngettext("%(months)s month left", "%(months)s months left", months_left,
                             months=months_left)
    if best is None:
        if not training_provided:
            return 0.0, []
        return total, [_l("no related skill, training provided"), months_reason]
    _, kind, required, level, years, certified, below = best
    reasons = [kind_reason(kind, required), SKILL_LEVELS.get(level, level),
               ngettext("%(years)s year", "%(years)s years", years, years=years)]
    if certified:
        reasons.append(_l("certified"))
    if below:
        reasons.append(_l("below the line's minimum level"))
    reasons.append(months_reason)
    return total, reasons


# --- the same score in SQL ------------------------------------------------------------------
#
# The ranking of a line's candidates is computed by the database, so that only the page shown
# is read into Python (matching.ranked); ``score`` then gives the reasons of that page. The SQL
# below is the formula of ``_best`` and ``value`` term by term, in the same order of operations,
# with every weight bound as a double: both databases then compute exactly the floats Python
# does (a decimal literal would be NUMERIC on PostgreSQL and round differently).


def _weight(number):
    """SQL: a weight as a bound double precision value."""
    return cast(literal(float(number)), Float)


class _Clamped(FunctionElement):
    """SQL: a number held within [0, 1] (``_clamp``), naming the number once."""

    type = Float()
    name = "clamped"
    inherit_cache = True


@compiles(_Clamped)
def _clamped_greatest(element, compiler, **kw):
    return f"GREATEST(0.0, LEAST(1.0, {compiler.process(element.clauses, **kw)}))"


@compiles(_Clamped, "sqlite")
def _clamped_max(element, compiler, **kw):
    return f"MAX(0.0, MIN(1.0, {compiler.process(element.clauses, **kw)}))"


def pair_value_sql(code, level, years, certified, required, min_level):
    """SQL: what one skill (occupation code, level, years, certified) is worth for one required
    occupation (code, minimum level), without the months left; NULL for an unrelated skill.

    The best pair of a person for a line is the ``max`` of this over their skills and the
    line's requirements (``_best``).
    """
    kind = case((code == required, _weight(MATCH["exact"])),
                (func.substr(code, 1, 3) == func.substr(required, 1, 3), _weight(MATCH["minor"])),
                (func.substr(code, 1, 2) == func.substr(required, 1, 2),
                 _weight(MATCH["submajor"])))
    rank = case(SKILL_LEVEL_RANK, value=level, else_=0)
    min_rank = case(SKILL_LEVEL_RANK, value=min_level, else_=0)
    capped_years = case((years < 0, 0), (years > EXPERIENCE_CAP, EXPERIENCE_CAP), else_=years)
    return (kind + case({k: _weight(v) for k, v in LEVEL.items()}, value=level,
                        else_=_weight(0.0))
            + _weight(EXPERIENCE) * capped_years / _weight(EXPERIENCE_CAP)
            + case((certified.is_(True), _weight(CERTIFIED)), else_=_weight(0.0))
            - case((rank < min_rank, _weight(BELOW_MIN_LEVEL)), else_=_weight(0.0)))


def months_left_sql(term_end, on):
    """SQL: the months left before ``term_end`` (a SQL date) on ``on``, held within
    [0, MONTHS_LEFT_CAP]; no term end (a leaver released without supervision) counts as the
    cap, as any sentence long enough does."""
    return case((term_end.is_(None), MONTHS_LEFT_CAP),
                else_=months_reached(on, term_end, MONTHS_LEFT_CAP))


def value_sql(best, months_left, training_provided=False):
    """SQL: the score (``value``) from the best pair's value (``pair_value_sql``'s max, NULL
    without a related skill) and the months left (``months_left_sql``)."""
    months = _weight(MONTHS_LEFT) * months_left / _weight(MONTHS_LEFT_CAP)
    without = _weight(TRAINING_BASE) + months if training_provided else _weight(0.0)
    # COALESCE names ``best`` once: the database computes the best pair once per person.
    return _Clamped(func.coalesce(best + months, without))
