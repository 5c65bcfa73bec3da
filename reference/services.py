"""Load and read reference data: regions, occupations, minimum wage."""
import csv
from functools import lru_cache
from pathlib import Path

from flask import g
from sqlalchemy import or_, select

from extensions import db

from .models import MinimumWage, Occupation, ProbationService, Region

DATA = Path(__file__).parent / "data"


def _rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(model, key, rows):
    """Insert missing rows and update changed ones; return (added, updated)."""
    existing = {getattr(obj, key): obj for obj in db.session.scalars(select(model))}
    added = updated = 0
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            db.session.add(model(**row))
            added += 1
            continue
        changed = False
        for field, value in row.items():
            if getattr(obj, field) != value:
                setattr(obj, field, value)
                changed = True
        updated += changed
    db.session.flush()
    return added, updated


def load_reference():
    """Load regions, occupations and minimum wages; safe to run again."""
    report = {
        "regions": _upsert(Region, "code", _rows("regions.csv")),
        "occupations": _upsert(Occupation, "code", _rows("occupations.csv")),
    }
    codes = dict(db.session.execute(select(Region.code, Region.id)).all())
    services = [{"region_id": codes[row.pop("region_code")], **row}
                for row in _rows("probation_services.csv")]
    report["probation_services"] = _upsert(ProbationService, "region_id", services)
    wages = [{"year": int(r["year"]), "amount_kzt": int(r["amount_kzt"])}
             for r in _rows("minimum_wage.csv")]
    existing = {w.year for w in db.session.scalars(select(MinimumWage))}
    # Administrators may have edited a year's wage in the site: keep their value.
    for row in wages:
        if row["year"] not in existing:
            db.session.add(MinimumWage(**row))
    db.session.flush()
    report["minimum_wages"] = (len([r for r in wages if r["year"] not in existing]), 0)
    return report


def minimum_wage(year):
    """Return the minimum wage of a year in tenge, or None when unknown."""
    return db.session.scalar(select(MinimumWage.amount_kzt).where(MinimumWage.year == year))


def search_occupations(term, limit=20):
    """Find occupations whose code or kk/ru/en title contains the term."""
    term = (term or "").strip()
    query = select(Occupation).order_by(Occupation.code).limit(limit)
    if term:
        like = f"%{term.lower()}%"
        # SQLite's lower() folds ASCII only: "тігінші" must also find "Тігінші".
        capital = f"%{term[:1].upper()}{term[1:].lower()}%"
        query = query.where(or_(
            Occupation.code.like(f"{term}%"),
            Occupation.title_kk.like(capital), Occupation.title_ru.like(capital),
            db.func.lower(Occupation.title_kk).like(like),
            db.func.lower(Occupation.title_ru).like(like),
            db.func.lower(Occupation.title_en).like(like)))
    return list(db.session.scalars(query))


@lru_cache(maxsize=1)
def occupation_codes_on_file():
    """Return the ISCO codes shipped with the reference data."""
    return frozenset(row["code"] for row in _rows("occupations.csv"))


def set_minimum_wage(year, amount_kzt):
    """Create or change the minimum wage of a year; return 'created' or 'updated'."""
    row = db.session.get(MinimumWage, year)
    if row is None:
        db.session.add(MinimumWage(year=year, amount_kzt=amount_kzt))
        db.session.flush()
        return "created"
    row.amount_kzt = amount_kzt
    db.session.flush()
    return "updated"


def probation_services():
    """Return every region's probation service, ordered by region code."""
    return db.session.scalars(select(ProbationService).join(Region)
                              .order_by(Region.code)).all()


def probation_service_choices(blank=None):
    """Return (id, name) pairs of the probation services for a select."""
    return ([("", blank)] if blank is not None else []) + [
        (s.id, s.name) for s in probation_services()]


def regions():
    """Return every region, ordered by code, for filters and forms."""
    return db.session.scalars(select(Region).order_by(Region.code)).all()


def region_choices(blank=None, with_code=False):
    """Return (id, name) pairs of the regions for a select, after an optional blank."""
    return ([("", blank)] if blank is not None else []) + [
        (r.id, f"{r.code} · {r.name}" if with_code else r.name) for r in regions()]


def occupation_label(code):
    """Return an occupation as "code · title" in the current language (the code alone when
    it is not on file), for reasons and messages that name one. The titles are read once a
    request."""
    titles = g.get("_occupation_titles")
    if titles is None:
        titles = g._occupation_titles = {
            o.code: o for o in db.session.scalars(select(Occupation))}
    found = titles.get(code)
    return f"{code} · {found.title}" if found is not None else code


def occupation_choices(blank=None):
    """Return (code, "code · title") pairs of every occupation, after an optional blank."""
    rows = db.session.scalars(select(Occupation).order_by(Occupation.code))
    return ([("", blank)] if blank is not None else []) + [
        (o.code, f"{o.code} · {o.title}") for o in rows]
