"""Roster and skills import: template, checks with a preview of every bad row, all-or-nothing save.

The upload is read by tabular.open_table (size, row and zip-bomb caps before parsing,
formulas refused) one row at a time, each row checked into a narrow Record as it comes
(inmates.import_rows). Between preview and confirmation the checked records wait on the
server in IMPORT_FOLDER (inmates.import_kept, tabular.pending), bound to the user who
uploaded them and the scope they were checked in; confirmation (``save_kept``) writes
every row or none, with bulk statements, checked again against the database as it is then.
A person is matched on the file number; equal values write nothing.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from extensions import db
from reference.codes import EDUCATION_LEVELS, GENDERS, SKILL_LEVELS
from reference.models import Occupation
from tabular import TableError, open_table, template_xlsx
from tabular.collector import bulk_work
from tabular.pending import forget  # noqa: F401  (the views' API)
from tabular.words import YES_NO, codes_section, word, yes_no

from .import_kept import keep, take  # noqa: F401  (the views' API)
from .import_rows import COLUMNS, LABELS, RESTRICTIONS, Context, check_row, skills_text
from .import_save import PERSON_KEYS, Record, among, save  # noqa: F401  (save: the views' API)
from .models import Person, Skill

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


def check(rows, facility_id=None, present=None):
    """Check every row; ``facility_id`` limits rows to one facility (an inspector's).

    ``rows`` is read once, row by row: each becomes a narrow Record as it is checked."""
    context = Context(facility_id)
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


@bulk_work
def save_kept(kept, user_id):
    """Save kept records, every one or none, and commit; return the Checked outcome (not ok:
    nothing saved, each bad row with its reasons). IntegrityError: the database refused
    what the checks found good (a facility or an occupation removed meanwhile).

    An upload of new people only (at its preview) is saved as such at once: the database's
    unique file numbers and IINs refuse a person added meanwhile with the same ones, and only
    then are the records checked again against the people, to name the rows (or to update
    a person added meanwhile at the same facility). Any other upload is checked again first
    (``recheck``): the values an update changes are compared with the person as they are."""
    if kept.creates_only:
        result = Checked(creates=list(kept.records), records=list(kept.records),
                         present=kept.present)
        try:
            save(result, user_id)
            db.session.commit()
            return result
        except IntegrityError:
            db.session.rollback()
    result = recheck(kept)
    if result.ok:
        save(result, user_id)
        db.session.commit()
    return result


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
