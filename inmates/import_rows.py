"""One roster row's checks: the import's columns, the words each coded column accepts in
every language, and ``check_row``, which turns a read row into what saving writes and the
reasons it cannot be saved (inmates.imports checks the rows among themselves and against
the database)."""
import re
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from facilities.models import Facility
from reference.codes import EDUCATION_LEVELS, GENDERS, SKILL_LEVELS
from reference.models import Occupation
from tabular import CellError, Column, parse_bool, parse_date, parse_int, parse_text
from tabular.words import fold, vocabulary, word, yes_no
from timeutil import today

from .models import Person
from .services import value_errors

COLUMNS = [
    Column("facility", _l("Facility code"), width=12),
    Column("file_number", _l("File number"), required=True),
    Column("last_name", _l("Last name"), required=True, width=18),
    Column("first_name", _l("First name"), required=True, width=18),
    Column("patronymic", _l("Patronymic"), width=18),
    Column("iin", _l("IIN"), width=15),
    Column("birth_on", _l("Birth date"), required=True, width=12),
    Column("gender", _l("Gender"), required=True, width=8),
    Column("admitted_on", _l("Admitted on"), required=True, width=12),
    Column("expected_release_on", _l("Expected release"), required=True, width=12),
    Column("able_bodied", _l("Able-bodied"), width=10),
    Column("disability_group", _l("Disability group"), width=10),
    Column("education_level", _l("Education"), width=18),
    Column("restrictions", _l("Restrictions"), width=20),
    Column("skills", _l("Skills (code:level:years:certified; ...)"), width=36),
]
LABELS = {c.key: c.label for c in COLUMNS}
REQUIRED = tuple(c.key for c in COLUMNS if c.required)  # in the columns' order
# The text columns, with the length their person column holds (None: checked as an IIN).
TEXTS = tuple((key, getattr(Person.__table__.c[key].type, "length", None) if key != "iin"
               else None) for key in ("file_number", "last_name", "first_name", "patronymic",
                                      "iin"))
DAYS = ("birth_on", "admitted_on", "expected_release_on")
RESTRICTIONS = {"no_work_with_minors": _l("No work with minors"),
                "no_outside_work": _l("No work outside the facility")}
RESTRICTION_ALIASES = {  # the codes of earlier templates and the letter's own wording
    "minors": "no_work_with_minors", "outside": "no_outside_work",
    "кәмелетке толмағандармен жұмыс істемейді": "no_work_with_minors",
    "не работает с несовершеннолетними": "no_work_with_minors",
    "мекемеден тыс жұмыс істемейді": "no_outside_work",
    "не работает за пределами учреждения": "no_outside_work"}
UNKNOWN_GENDER, UNKNOWN_EDUCATION = _l("unknown gender"), _l("unknown education level")
GENDER_ALIASES = {"m": "M", "f": "F", "м": "M", "ж": "F", "муж": "M", "жен": "F", "ер": "M",
                  "әйел": "F", "е": "M", "ә": "F", "male": "M", "female": "F"}


class Context:
    """What the row checks look up: facilities, occupations and the words, loaded once."""

    def __init__(self, facility_id):
        self.own_facility = facility_id
        self.facilities = {fold(code): fid for code, fid in
                           db.session.execute(select(Facility.code, Facility.id))}
        self.occupations = set(db.session.scalars(select(Occupation.code)))
        self.genders = vocabulary(GENDERS, GENDER_ALIASES)
        self.levels = vocabulary(SKILL_LEVELS)
        self.education = vocabulary(EDUCATION_LEVELS)
        self.restrictions = vocabulary(RESTRICTIONS, RESTRICTION_ALIASES)
        self.skill_cells = {}  # skills cell text: (skills, problems)
        self.today = today()  # one date for every row's checks


def _text(value):
    """parse_text, with its common case (a str) inline: a row's checks ask it ten times."""
    return (value.strip() or None) if value.__class__ is str else parse_text(value)


def _day(problems, key, value):
    """parse_date, with its common cases (a date or datetime cell) inline."""
    if value.__class__ is datetime:
        return value.date()
    if value.__class__ is date or value is None:
        return value
    return _cell(problems, key, parse_date, value)


def _cell(problems, key, parser, value):
    try:
        return parser(value)
    except CellError as error:
        problems.append(f"{LABELS[key]}: {error}")
        return None


def _word(problems, key, words, value, message):
    text = _text(value)
    if text is None:
        return None
    code = words.get(fold(text))
    if code is None:
        problems.append(f"{LABELS[key]}: {message} «{text[:40]}»")
    return code


def _skills(problems, context, value):
    """Parse '7533:qualified:4:yes; 8153:trainee:0:no' into sorted (code, level, years, cert).

    Each distinct cell is parsed once per upload (a roster repeats the same few skills)."""
    text = _text(value)
    if text is None:
        return []
    known = context.skill_cells.get(text)
    if known is None:
        reasons = []
        known = context.skill_cells[text] = (_parse_skills(reasons, context, text), reasons)
    problems.extend(known[1])
    return list(known[0])


def _parse_skills(problems, context, text):
    found = {}
    for item in (part.strip() for part in re.split(r"[;\n]", text)):
        if not item:
            continue
        parts = [p.strip() for p in item.split(":")]
        if len(parts) > 4 or not parts[0]:
            problems.append(_("Skill «%(item)s»: write it as code:level:years:certified.",
                              item=item[:40]))
            continue
        code = parts[0]
        if code not in context.occupations:
            problems.append(_("Skill «%(item)s»: unknown occupation code %(code)s.",
                              item=item[:40], code=code[:10]))
            continue
        level = context.levels.get(fold(parts[1])) if len(parts) > 1 and parts[1] else "qualified"
        if level is None:
            problems.append(_("Skill «%(item)s»: unknown level.", item=item[:40]))
            continue
        try:
            years = parse_int(parts[2]) if len(parts) > 2 and parts[2] else 0
            certified = parse_bool(parts[3]) if len(parts) > 3 and parts[3] else False
        except CellError as error:
            problems.append(_("Skill «%(item)s»: %(reason)s", item=item[:40], reason=error))
            continue
        if not 0 <= years <= 60:
            problems.append(_("Skill «%(item)s»: years of experience are 0 to 60.", item=item[:40]))
            continue
        if code in found:
            problems.append(_("Skill «%(item)s»: the occupation is listed twice.", item=item[:40]))
            continue
        found[code] = (code, level, years, certified)
    return sorted(found.values())


def _restrictions(problems, context, value):
    flags = {"no_work_with_minors": False, "no_outside_work": False}
    text = _text(value)
    if text is None:
        return flags
    for written in re.split(r"[;,]", text):
        if not written.strip():
            continue
        key = context.restrictions.get(fold(written))
        if key is None:
            problems.append(_("Restrictions: unknown restriction «%(word)s».",
                              word=written.strip()[:40]))
        else:
            flags[key] = True
    return flags


def _facility(problems, context, value):
    code = _text(value)
    if code is None:
        if context.own_facility:
            return context.own_facility
        problems.append(_("Missing value: %(column)s.", column=LABELS["facility"]))
        return None
    facility_id = context.facilities.get(fold(code))
    if facility_id is None:
        problems.append(_("Unknown facility «%(code)s».", code=code[:30]))
    elif context.own_facility and facility_id != context.own_facility:
        problems.append(_("The facility «%(code)s» is outside your scope.", code=code[:30]))
        return None
    return facility_id


def check_row(row, context):
    """Return (record, problems) for one data row."""
    values, problems = row.values, list(row.errors)
    get = values.get
    if None in map(get, REQUIRED):
        for key in REQUIRED:
            if get(key) is None and not any(str(LABELS[key]) in p for p in problems):
                problems.append(_("Missing value: %(column)s.", column=LABELS[key]))
    record = {"facility_id": _facility(problems, context, get("facility"))}
    for key, longest in TEXTS:
        text = get(key)  # _text, inline: five times a row
        text = (text.strip() or None) if text.__class__ is str else parse_text(text)
        if longest and text is not None and len(text) > longest:
            problems.append(_("%(column)s: longer than %(max)s characters.",
                              column=LABELS[key], max=longest))
        record[key] = text
    for key in DAYS:
        record[key] = _day(problems, key, get(key))
    record["gender"] = _word(problems, "gender", context.genders, get("gender"), UNKNOWN_GENDER)
    able = _cell(problems, "able_bodied", parse_bool, get("able_bodied"))
    record["able_bodied"] = True if able is None else able
    record["disability_group"] = _cell(problems, "disability_group", parse_int,
                                       get("disability_group"))
    record["education_level"] = _word(problems, "education_level", context.education,
                                      get("education_level"),
                                      UNKNOWN_EDUCATION) or "general_secondary"
    record.update(_restrictions(problems, context, get("restrictions")))
    record["skills"] = _skills(problems, context, get("skills"))
    iin = record["iin"]
    if iin and get("iin").__class__ is int:  # typed as a number: zeros lost
        iin = record["iin"] = iin.zfill(12)
    if iin and not iin.isdigit():
        problems.append(_("IIN: 12 digits expected."))
    else:
        problems.extend(f"{LABELS[k]}: {m}"
                        for k, m in value_errors(record, context.today).items())
    return record, problems


def skills_text(skills):
    """Return skills in the compact column form, levels and yes/no in the user's words."""
    return "; ".join(f"{c}:{word(SKILL_LEVELS, lvl)}:{y}:{yes_no(cert)}"
                     for c, lvl, y, cert in skills) or None
