"""Roster and skills import: template, checks with a preview of every bad row, all-or-nothing save.

The upload is read by tabular.open_table (size, row and zip-bomb caps before parsing,
formulas refused) one row at a time, each row checked into a narrow Record as it comes.
Between preview and confirmation the checked records wait on the server in IMPORT_FOLDER
(inmates.import_kept, tabular.pending), bound to the user who uploaded them and the scope
they were checked in; confirmation checks them again against the database as it is then
(``recheck``) and writes every row or none, with bulk statements. A person is matched on
the file number; equal values write nothing.
"""
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from facilities.models import Facility
from reference.codes import EDUCATION_LEVELS, GENDERS, SKILL_LEVELS
from reference.models import Occupation
from tabular import (CellError, Column, TableError, open_table, parse_bool, parse_date, parse_int,
                     parse_text, template_xlsx)
from tabular.collector import bulk_work
from tabular.pending import forget  # noqa: F401  (the views' API)
from tabular.words import YES_NO, codes_section, fold, vocabulary, word, yes_no
from timeutil import today

from .import_kept import keep, take  # noqa: F401  (the views' API)
from .import_save import PERSON_KEYS, Record, among, save  # noqa: F401  (save: the views' API)
from .models import Person, Skill
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
REQUIRED = {c.key for c in COLUMNS if c.required}
LENGTHS = {"file_number": 30, "last_name": 80, "first_name": 80, "patronymic": 80}
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


EXAMPLE_SKILLS = [("7533", "qualified", 4, True), ("8153", "trainee", 0, False)]


def example_row(facility_code):
    """Return the template's example row, coded values in the user's words."""
    return {"facility": facility_code, "file_number": "12-345678", "last_name": "Сейтқали",
            "first_name": "Нұрлан", "patronymic": "Бекұлы", "iin": "791028302728",
            "birth_on": "1979-10-28", "gender": word(GENDERS, "M"), "admitted_on": "2021-03-01",
            "expected_release_on": "2027-09-01", "able_bodied": yes_no(True),
            "disability_group": "", "education_level": word(EDUCATION_LEVELS, "vocational"),
            "restrictions": word(RESTRICTIONS, "no_work_with_minors"),
            "skills": skills_text(EXAMPLE_SKILLS)}


def instructions():
    """Return the import page's example skills cell and restriction words, in the user's
    words (the same the template's example row writes)."""
    return {"skills": skills_text(EXAMPLE_SKILLS),
            "restrictions": "; ".join(str(label) for label in RESTRICTIONS.values())}


def template(facilities):
    """Return the XLSX template: headers, example and codes sheet in the user's words."""
    occupations = db.session.scalars(select(Occupation).order_by(Occupation.code)).all()
    codes = {
        _("Facilities"): [(f.code, f.name) for f in facilities],
        _("Occupations"): [(o.code, o.title) for o in occupations],
        _("Levels"): codes_section(SKILL_LEVELS),
        _("Yes / no"): codes_section(YES_NO),
        _("Gender"): codes_section(GENDERS),
        _("Education"): codes_section(EDUCATION_LEVELS),
        _("Restrictions"): codes_section(RESTRICTIONS),
    }
    first = facilities[0].code if facilities else "F-1"
    return template_xlsx(COLUMNS, example_row(first), codes=codes)


# --- Checking -----------------------------------------------------------------------------

@dataclass
class Checked:
    """The outcome of checking an upload: bad rows with reasons, and what saving would do."""

    errors: list = field(default_factory=list)      # [(row number, [reasons])]
    creates: list = field(default_factory=list)     # [Record]
    updates: list = field(default_factory=list)     # [(person id, Record, {field: (old, new)})]
    unchanged: int = 0
    present: frozenset = frozenset()
    records: list = field(default_factory=list)     # every good row's Record, in file order

    @property
    def ok(self):
        """Say whether every row is good."""
        return not self.errors


class _Context:
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


class _People:
    """The people the checked rows name, by file number and by IIN, with their skills:
    loaded in a few set-based queries, as the database is when they run."""

    def __init__(self, records):
        numbers = {r.file_number for r in records} - {None}
        iins = {r.iin for r in records} - {None}
        self.people = {person["file_number"]: dict(person) for person in db.session.execute(
            select(Person.id, Person.facility_id, *[getattr(Person, k) for k in PERSON_KEYS])
            .where(among(Person.file_number, numbers))).mappings()}
        self.iin_owner = dict(db.session.execute(
            select(Person.iin, Person.file_number).where(among(Person.iin, iins))).all())
        self.skills = {}
        ids = [p["id"] for p in self.people.values()]
        for person_id, *skill in db.session.execute(select(
                Skill.person_id, Skill.occupation_code, Skill.level, Skill.years_experience,
                Skill.certified).where(among(Skill.person_id, ids))):
            self.skills.setdefault(person_id, []).append(tuple(skill))


def _text(value):
    """parse_text, with its common case (a str) inline: a row's checks ask it ten times."""
    return (value.strip() or None) if value.__class__ is str else parse_text(value)


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
    for written in re.split(r"[;,]", text or ""):
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
    for key in REQUIRED:
        if values.get(key) is None and not any(str(LABELS[key]) in p for p in problems):
            problems.append(_("Missing value: %(column)s.", column=LABELS[key]))
    record = {"facility_id": _facility(problems, context, values.get("facility"))}
    for key in ("file_number", "last_name", "first_name", "patronymic", "iin"):
        text = _text(values.get(key))
        if text is not None and key in LENGTHS and len(text) > LENGTHS[key]:
            problems.append(_("%(column)s: longer than %(max)s characters.",
                              column=LABELS[key], max=LENGTHS[key]))
        record[key] = text
    for key in ("birth_on", "admitted_on", "expected_release_on"):
        record[key] = _cell(problems, key, parse_date, values.get(key))
    record["gender"] = _word(problems, "gender", context.genders, values.get("gender"),
                             UNKNOWN_GENDER)
    able = _cell(problems, "able_bodied", parse_bool, values.get("able_bodied"))
    record["able_bodied"] = True if able is None else able
    record["disability_group"] = _cell(problems, "disability_group", parse_int,
                                       values.get("disability_group"))
    record["education_level"] = _word(problems, "education_level", context.education,
                                      values.get("education_level"),
                                      UNKNOWN_EDUCATION) or "general_secondary"
    record.update(_restrictions(problems, context, values.get("restrictions")))
    record["skills"] = _skills(problems, context, values.get("skills"))
    if isinstance(values.get("iin"), int) and record["iin"]:  # typed as a number: zeros lost
        record["iin"] = record["iin"].zfill(12)
    if record["iin"] and not record["iin"].isdigit():
        problems.append(_("IIN: 12 digits expected."))
    else:
        problems.extend(f"{LABELS[k]}: {m}"
                        for k, m in value_errors(record, context.today).items())
    return record, problems


def check(rows, facility_id=None, present=None):
    """Check every row; ``facility_id`` limits rows to one facility (an inspector's).

    ``rows`` is read once, row by row: each becomes a narrow Record as it is checked."""
    context = _Context(facility_id)
    present = frozenset(present if present is not None else {c.key for c in COLUMNS})
    checked = []
    for row in rows:
        record, problems = check_row(row, context)
        checked.append((Record(row.number, **record), problems))
    return _against_people(checked, present)


@bulk_work
def check_upload(data, filename, facility_id=None):
    """Read and check an upload; raise tabular.TableError when it cannot be read."""
    rows = open_table(data, filename, COLUMNS)
    result = check(rows, facility_id, rows.present)
    if not (result.errors or result.records):
        raise TableError(_("The file has no data rows."))
    return result


@bulk_work
def recheck(kept):
    """Check kept records again against the database as it is now, without the file: the
    people they name (an IIN or a file number taken meanwhile, the values an update
    changes) are read again, set-based. A row's own checks are not run again: they depend
    on the cells, the reference codes (a code removed meanwhile fails the save's foreign
    key) and today's date only as a bound no past date can cross later."""
    return _against_people([(record, []) for record in kept.records], kept.present)


def _against_people(checked, present):
    """Check (record, problems) pairs among themselves and against the people in the
    database; return the Checked outcome."""
    people = _People([record for record, _problems in checked])
    result = Checked(present=present)
    seen_numbers, seen_iins = {}, {}
    for record, problems in checked:
        number, iin = record.file_number, record.iin
        if number and number in seen_numbers:
            problems.append(_("The file number %(number)s is also on row %(row)s.",
                              number=number, row=seen_numbers[number]))
        elif number:
            seen_numbers[number] = record.number
        if iin and iin in seen_iins:
            problems.append(_("This IIN is also on row %(row)s.", row=seen_iins[iin]))
        elif iin:
            seen_iins[iin] = record.number
        if iin and people.iin_owner.get(iin, number) != number:
            problems.append(_("IIN: another person already has this IIN."))
        existing = people.people.get(number)
        if existing and record.facility_id and existing["facility_id"] != record.facility_id:
            problems.append(_("This file number belongs to a person at another facility; "
                              "use a transfer to move a person."))
        if problems:
            result.errors.append((record.number, problems))
            continue
        result.records.append(record)
        if existing is None:
            result.creates.append(record)
            continue
        changes = _differences(existing, record, people.skills.get(existing["id"], []), present)
        if changes:
            result.updates.append((existing["id"], record, changes))
        else:
            result.unchanged += 1
    return result


def _differences(existing, record, skills, present):
    """Return {field: (old, new)} for the columns present in the file whose value changed."""
    changes = {}
    for key in PERSON_KEYS:
        column = "restrictions" if key.startswith("no_") else key
        new = getattr(record, key)
        if column in present and existing[key] != new:
            changes[key] = (existing[key], new)
    old_skills = sorted(skills)
    if "skills" in present and old_skills != record.skills:
        changes["skills"] = (skills_text(old_skills), skills_text(record.skills))
    return changes


def skills_text(skills):
    """Return skills in the compact column form, levels and yes/no in the user's words."""
    return "; ".join(f"{c}:{word(SKILL_LEVELS, lvl)}:{y}:{yes_no(cert)}"
                     for c, lvl, y, cert in skills) or None


PREVIEW_ROWS = 200  # rows listed one by one in the preview; the counts cover the rest


def shown(key, value):
    """Return a saved or read value as the preview shows it, in the user's words."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return yes_no(value)
    tables = {"gender": GENDERS, "education_level": EDUCATION_LEVELS}
    return word(tables[key], value) if key in tables else str(value)


def preview(result):
    """Return what saving would do, row by row: (creates, updates), at most PREVIEW_ROWS each.

    A create is (file number, full name, birth date); an update is (file number, full name,
    [(column, old, new)]).
    """
    labels = {**LABELS, **RESTRICTIONS}
    creates = [(r.file_number, " ".join(filter(None, (r.last_name, r.first_name,
                                                      r.patronymic))), r.birth_on)
               for r in result.creates[:PREVIEW_ROWS]]
    updates = [(r.file_number, f"{r.last_name} {r.first_name}",
                [(str(labels.get(k, k)), shown(k, old), shown(k, new))
                 for k, (old, new) in changes.items()])
               for _id, r, changes in result.updates[:PREVIEW_ROWS]]
    return creates, updates
