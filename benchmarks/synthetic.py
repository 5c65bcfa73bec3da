"""One synthetic facility for the matching benchmarks, built with bulk inserts.

The demo data has no facility of 1,500 people with 300 open vacancies, so the benchmark
database gets one: facility BENCH-1500 (minimum security, Astana) holding 1,500 idle,
able-bodied people in custody with one to three skills each, and 20 open lines of 15
places each (300 vacancies) run by one SME on a leased workshop. Skills are drawn from the
lines' occupations, their ISCO neighbours (same minor or sub-major group) and unrelated
codes, so scores spread across the whole range as they would in a real facility. Everyone
has consented to work on every line (an SME's work needs it before a placement starts).
A second, empty facility BENCH-IMPORT receives the roster-import benchmark's rows.
"""
import random
from datetime import date, datetime, timedelta

from sqlalchemy import insert, literal, select

import timeutil
from compliance.models import Consent
from enterprises.models import Enterprise, LineOccupation, ProductionLine
from extensions import db
from facilities.models import Facility, Lease, ProductionSpace
from inmates.models import Person, Skill, Stay
from reference.identifiers import make_number
from reference.models import Occupation, Region

FACILITY_CODE = "BENCH-1500"
IMPORT_FACILITY_CODE = "BENCH-IMPORT"
LINE_OCCUPATIONS = ("7533", "7531", "8153", "7114", "7522", "7212", "9329", "5120", "7115",
                    "8160")
LAST_NAMES = ("Ахметов", "Иванов", "Сейткали", "Нурланов", "Петров", "Жаксылыков", "Смагулов",
              "Ким", "Омаров", "Касымов")
FIRST_NAMES = ("Ерлан", "Марат", "Алексей", "Нуржан", "Дмитрий", "Асхат", "Руслан", "Олег")


def _bin(seed):
    """Return a valid BIN derived from ``seed``."""
    for n in range(seed, seed + 1000):
        number = make_number(f"{990_000_000_00 + n:011d}")
        if number:
            return number
    raise RuntimeError("no valid BIN near the seed")


def _occupation_pool():
    """Codes present in the reference list, grouped for realistic near-matches."""
    codes = set(db.session.scalars(select(Occupation.code)))
    wanted = [c for c in LINE_OCCUPATIONS if c in codes]
    near = [c for c in codes if c[:3] in {w[:3] for w in wanted} and c not in wanted]
    far = sorted(codes - set(wanted) - set(near))
    return wanted, near, far


def build(people=1500, lines=20, headcount=15, seed=8):
    """Create the synthetic facility, its people and open lines; return their ids."""
    rng = random.Random(seed)
    today = timeutil.today()
    region = db.session.scalars(select(Region).where(Region.code == "KZ-71")).one()
    facility = Facility(code=FACILITY_CODE, name_kk="Бенчмарк мекемесі", name_ru="Бенчмарк-учреждение",
                        name_en="Benchmark facility", region_id=region.id, security_level="minimum")
    empty = Facility(code=IMPORT_FACILITY_CODE, name_kk="Импорт мекемесі", name_ru="Учреждение импорта",
                     name_en="Import facility", region_id=region.id, security_level="medium")
    db.session.add_all([facility, empty])
    db.session.flush()
    wanted, near, far = _occupation_pool()

    sme = Enterprise(kind="sme", name="ТОО Бенчмарк", bin=_bin(seed), region_id=region.id,
                     joined_on=today - timedelta(days=900))
    space = ProductionSpace(facility_id=facility.id, name="Цех 1", kind="workshop", area_m2=5000)
    db.session.add_all([sme, space])
    db.session.flush()
    lease = Lease(enterprise_id=sme.id, space_id=space.id, area_m2=4000, status="active",
                  starts_on=today - timedelta(days=800))
    db.session.add(lease)
    db.session.flush()
    line_ids = []
    for n in range(lines):
        codes = [wanted[n % len(wanted)]] + ([wanted[(n + 3) % len(wanted)]] if n % 3 == 0 else [])
        line = ProductionLine(
            enterprise_id=sme.id, title=f"Бенчмарк линия {n + 1}", facility_id=facility.id,
            region_id=region.id, lease_id=lease.id, headcount=headcount, hours_per_week=40,
            wage_kzt=95_000 + 1000 * n, min_months_left=rng.choice((0, 0, 3, 6)),
            involves_minors=(n % 7 == 0), training_provided=(n % 4 == 0), status="open",
            opened_on=today - timedelta(days=200 + n))
        line.occupations = [LineOccupation(occupation_code=c, min_level=rng.choice(
            ("trainee", "trainee", "qualified"))) for c in codes]
        db.session.add(line)
        db.session.flush()
        line_ids.append(line.id)

    rows = []
    for n in range(people):
        admitted = today - timedelta(days=rng.randint(60, 2500))
        rows.append(dict(
            file_number=f"BENCH-{n:06d}", last_name=rng.choice(LAST_NAMES),
            first_name=rng.choice(FIRST_NAMES), patronymic=None,
            birth_on=date(rng.randint(1960, 2003), rng.randint(1, 12), rng.randint(1, 28)),
            gender="M" if rng.random() < 0.93 else "F", facility_id=facility.id,
            admitted_on=admitted, expected_release_on=today + timedelta(days=rng.randint(20, 3000)),
            custody_status="in_custody", able_bodied=True, education_level="general_secondary",
            no_work_with_minors=rng.random() < 0.08, no_outside_work=rng.random() < 0.1,
            version_id=1))
    db.session.execute(insert(Person), rows)
    ids = dict(db.session.execute(select(Person.file_number, Person.id).where(
        Person.facility_id == facility.id)).all())
    stays, skills = [], []
    for row in rows:
        person_id = ids[row["file_number"]]
        stays.append(dict(person_id=person_id, facility_id=facility.id,
                          started_on=row["admitted_on"], ended_on=None, end_reason=None))
        chosen = set()
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            pool = rng.choices((wanted, near or wanted, far), weights=(5, 3, 4))[0]
            chosen.add(rng.choice(pool))
        for code in chosen:
            skills.append(dict(person_id=person_id, occupation_code=code,
                               level=rng.choice(("trainee", "qualified", "qualified", "expert")),
                               years_experience=rng.randint(0, 15), certified=rng.random() < 0.3))
    db.session.execute(insert(Stay), stays)
    db.session.execute(insert(Skill), skills)
    consented = today - timedelta(days=30)
    db.session.execute(insert(Consent).from_select(
        ["person_id", "line_id", "taken_on", "taken_by", "late", "entered_at"],
        select(Person.id, ProductionLine.id, literal(consented), literal("Начальник отряда"),
               literal(False), literal(datetime.combine(consented, datetime.min.time())))
        .where(Person.facility_id == facility.id, ProductionLine.id.in_(line_ids))))
    db.session.flush()
    return {"facility_id": facility.id, "import_facility_id": empty.id, "line_ids": line_ids,
            "people": people, "vacancies": lines * headcount, "enterprise_id": sme.id}
