"""Factory functions that build small worlds for tests; they flush, tests commit."""
import itertools
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import exists, insert, literal, or_, select, true

from accounts.services import create_user
from compliance.models import Consent
from enterprises.models import Enterprise, LineOccupation, ProductionLine
from extensions import db
from facilities.models import Facility, Lease, ProductionSpace
from inmates.models import Person, Skill, Stay, Supervision
from marketplace.models import Placement
from reference.identifiers import make_number
from reference.models import ProbationService, Region

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def region(code="KZ-71"):
    """Return a region by code."""
    return db.session.scalars(select(Region).where(Region.code == code)).one()


def facility(code=None, region_code="KZ-71", security_level="medium", **kw):
    """Create a facility."""
    n = next(_seq)
    obj = Facility(code=code or f"F-{n}", name_kk=f"Мекеме {n}", name_ru=f"Учреждение {n}",
                   name_en=f"Facility {n}", region_id=region(region_code).id,
                   security_level=security_level, **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def bin_number():
    """Return a fresh valid BIN."""
    while True:
        number = make_number(f"{next(_seq) + 10_000_000_000:011d}"[-11:])
        if number:
            return number


def enterprise(kind="sme", region_code="KZ-71", facility=None, status="approved", **kw):
    """Create an enterprise of a kind."""
    n = next(_seq)
    obj = Enterprise(kind=kind, name=kw.pop("name", f"Enterprise {n}"), bin=kw.pop("bin", bin_number()),
                     region_id=region(region_code).id,
                     parent="enbek" if kind == "state_branch" else None,
                     facility_id=facility.id if facility else None,
                     joined_on=kw.pop("joined_on", date(2020, 1, 1)), status=status, **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def space(facility, area=500, kind="workshop", **kw):
    """Create a production space."""
    obj = ProductionSpace(facility_id=facility.id, name=kw.pop("name", f"Цех {next(_seq)}"),
                          kind=kind, area_m2=area, **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def lease(enterprise, space, area=100, status="active", starts_on=date(2020, 1, 1), **kw):
    """Create a lease."""
    obj = Lease(enterprise_id=enterprise.id, space_id=space.id, area_m2=area, status=status,
                starts_on=starts_on, **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def line(enterprise, facility=None, occupations=(("7533", "trainee"),), headcount=5,
         wage_kzt=90_000, status="open", opened_on=date(2021, 1, 10), region_code=None, **kw):
    """Create a production line inside a facility (or outside when facility is None)."""
    region_id = facility.region_id if facility else region(region_code or "KZ-71").id
    obj = ProductionLine(enterprise_id=enterprise.id, title=kw.pop("title", f"Line {next(_seq)}"),
                         facility_id=facility.id if facility else None, region_id=region_id,
                         headcount=headcount, wage_kzt=wage_kzt, status=status,
                         opened_on=opened_on if status != "draft" else None,
                         outside_work=kw.pop("outside_work", facility is None), **kw)
    obj.occupations = [LineOccupation(occupation_code=c, min_level=lvl) for c, lvl in occupations]
    db.session.add(obj)
    db.session.flush()
    return obj


def person(facility, skills=(("7533", "qualified", 4),), admitted_on=date(2019, 3, 1),
           expected_release_on=date(2030, 1, 1), **kw):
    """Create a person in custody at a facility, with an open stay and skills."""
    n = next(_seq)
    obj = Person(file_number=kw.pop("file_number", f"FN-{n:06d}"),
                 last_name=kw.pop("last_name", f"Тестов{n}"), first_name=kw.pop("first_name", "Иван"),
                 patronymic=kw.pop("patronymic", None), birth_on=kw.pop("birth_on", date(1985, 5, 5)),
                 gender=kw.pop("gender", "M"), facility_id=facility.id, admitted_on=admitted_on,
                 expected_release_on=expected_release_on, **kw)
    obj.skills = [Skill(occupation_code=c, level=lvl, years_experience=y) for c, lvl, y in skills]
    db.session.add(obj)
    db.session.flush()
    db.session.add(Stay(person_id=obj.id, facility_id=facility.id, started_on=admitted_on,
                        ended_on=obj.released_on,
                        end_reason="released" if obj.released_on else None))
    db.session.flush()
    return obj


def probation_service(region_code="KZ-71"):
    """Return the probation service of a region (reference data)."""
    return db.session.scalars(select(ProbationService).join(Region)
                              .where(Region.code == region_code)).one()


def client(service, skills=(("7533", "qualified", 3),), started_on=date(2021, 1, 15),
           ends_on=date(2023, 1, 15), barred_group=None, **kw):
    """Create a person sentenced without custody, under the service's supervision."""
    n = next(_seq)
    obj = Person(file_number=kw.pop("file_number", f"ПР-{n:06d}"),
                 last_name=kw.pop("last_name", f"Пробов{n}"), first_name=kw.pop("first_name", "Ерлан"),
                 birth_on=kw.pop("birth_on", date(1990, 4, 4)), gender=kw.pop("gender", "M"),
                 custody_status="on_probation", **kw)
    obj.skills = [Skill(occupation_code=c, level=lvl, years_experience=y) for c, lvl, y in skills]
    db.session.add(obj)
    db.session.flush()
    db.session.add(Supervision(person_id=obj.id, service_id=service.id, kind="non_custodial",
                               started_on=started_on, ends_on=ends_on, barred_group=barred_group))
    db.session.flush()
    return obj


def placement(person, line, started_on=date(2021, 2, 1), ended_on=None, end_reason=None, slot=None,
              wage_kzt=None):
    """Create a placement directly (bypassing the service's checks)."""
    if slot is None:
        used = set(db.session.scalars(select(Placement.slot).where(
            Placement.line_id == line.id, Placement.holds_place())))
        slot = next(s for s in itertools.count(1) if s not in used)
    obj = Placement(person_id=person.id, line_id=line.id, slot=slot, started_on=started_on,
                    ended_on=ended_on, end_reason=end_reason or ("completed" if ended_on else None),
                    wage_kzt=wage_kzt or line.wage_kzt)
    db.session.add(obj)
    db.session.flush()
    return obj


def consent(person, line, taken_on=date(2000, 1, 1), taken_by="Inspector of the facility"):
    """Record a person's consent to a line's work (needed before an SME or outside placement
    starts); return it."""
    obj = Consent(person_id=person.id, line_id=line.id, taken_on=taken_on, taken_by=taken_by)
    db.session.add(obj)
    db.session.flush()
    return obj


def consents(people, lines, taken_on=date(2000, 1, 1)):
    """Record the consent of every person to every line's work."""
    return [consent(p, line, taken_on) for p in people for line in lines]


def user(role, login=None, language="en", **scope):
    """Create a user with the test password; English unless a test picks a language."""
    return create_user(login or f"{role}{next(_seq)}", PASSWORD, role, language=language, **scope)


def small_world():
    """Two facilities in two regions, enterprises of each kind, one user of each role per scope."""
    a = facility(code="FA", region_code="KZ-71", security_level="minimum")
    b = facility(code="FB", region_code="KZ-35", security_level="medium")
    sme_a = enterprise("sme", region_code="KZ-71", name="ТОО Тігін")
    sme_b = enterprise("sme", region_code="KZ-35", name="ТОО Бетон")
    branch = enterprise("state_branch", region_code="KZ-35", facility=b, name="Филиал Еңбек")
    service_a = enterprise("facility_service", region_code="KZ-71", facility=a, name="Хозобслуживание FA")
    space_a = space(a, area=1000)
    space_b = space(b, area=800)
    lease_a = lease(sme_a, space_a, area=300)
    lease_b = lease(sme_b, space_b, area=200)
    line_a = line(sme_a, a, lease=lease_a, title="Швейный цех")
    line_b = line(sme_b, b, lease=lease_b, occupations=(("7114", "trainee"),), title="ЖБИ")
    person_a = person(a, last_name="Алиев", first_name="Марат")
    person_b = person(b, last_name="Борисов", first_name="Олег", skills=(("7114", "expert", 8),))
    users = SimpleNamespace(
        admin=user("admin", login="admin"),
        analyst=user("analyst", login="analyst"),
        analyst_region=user("analyst", login="analyst_kz71", region_id=a.region_id),
        inspector_a=user("inspector", login="inspector_a", facility_id=a.id),
        inspector_b=user("inspector", login="inspector_b", facility_id=b.id),
        owner_a=user("owner", login="owner_a", enterprise_id=sme_a.id),
        owner_b=user("owner", login="owner_b", enterprise_id=sme_b.id),
        probation_a=user("probation_officer", login="probation_a",
                         probation_service_id=probation_service("KZ-71").id),
    )
    db.session.commit()
    return SimpleNamespace(facility_a=a, facility_b=b, sme_a=sme_a, sme_b=sme_b, branch=branch,
                           service_a=service_a, space_a=space_a, space_b=space_b, lease_a=lease_a,
                           lease_b=lease_b, line_a=line_a, line_b=line_b, person_a=person_a,
                           person_b=person_b, users=users)


def consent_all(taken_on=date(2000, 1, 1)):
    """Record the consent of every person to the work of every SME or outside line who has
    none yet (before tests place people there), in one INSERT ... SELECT; return how many."""
    needs = or_(Enterprise.kind == "sme", ProductionLine.facility_id.is_(None))
    missing = ~exists().where(Consent.person_id == Person.id, Consent.line_id == ProductionLine.id)
    rows = (select(Person.id, ProductionLine.id, literal(taken_on), literal("Inspector"),
                   literal(False), literal(datetime(2000, 1, 1)))
            .select_from(ProductionLine)
            .join(Enterprise, Enterprise.id == ProductionLine.enterprise_id)
            .join(Person, true())
            .where(needs, missing))
    result = db.session.execute(insert(Consent).from_select(
        ["person_id", "line_id", "taken_on", "taken_by", "late", "entered_at"], rows))
    db.session.flush()
    return result.rowcount
