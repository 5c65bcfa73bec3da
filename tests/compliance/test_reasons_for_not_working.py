"""The reasons for not working on a day equal their definition (compliance/figures.py), for
generated people: admitted before or after the day, released or not, able-bodied or not,
placed or not, with reasons dated before and after the day, two on one date, or none.

Each example is compared with the definition worked out person by person in Python: the
able-bodied in custody on the day without a placement active that day, by their latest
reason dated on or before it ("none" when they have none), at the facility of their stay.
"""
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.figures import REASON_CODES, reason_rows, reasons_on
from compliance.models import NotWorkingReason
from extensions import db
from inmates.models import Stay
from tests import factories

DAY = date(2024, 6, 15)
CODES = [code for code in REASON_CODES if code != "none"]
# Days from DAY, and spans of days, small enough that a boundary often falls on the day.
person_rows = st.fixed_dictionaries({
    "at_b": st.booleans(),
    "able": st.booleans(),
    "admitted": st.integers(-12, 4),
    "held_for": st.none() | st.integers(0, 16),  # released that many days after admission
    "placed": st.none() | st.tuples(st.integers(0, 12), st.none() | st.integers(0, 12)),
    "reasons": st.lists(st.tuples(st.integers(-5, 5), st.sampled_from(CODES)), max_size=3),
})


def _expected(rows, day):
    """The definition, person by person: {(facility, reason): persons}."""
    counted = Counter()
    for row in rows:
        admitted = DAY + timedelta(days=row["admitted"])
        released = admitted + timedelta(days=row["held_for"]) if row["held_for"] is not None \
            else None
        if not (admitted <= day and (released is None or released > day)) or not row["able"]:
            continue
        if row["placed"] is not None:
            start = admitted + timedelta(days=row["placed"][0])
            end = start + timedelta(days=row["placed"][1]) if row["placed"][1] is not None \
                else None
            if start <= day and (end is None or end > day):
                continue
        dated = [(since, code) for since, code in
                 ((DAY + timedelta(days=offset), code) for offset, code in row["reasons"])
                 if since <= day]
        latest = max(dated)[0] if dated else None
        reason = max(code for since, code in dated if since == latest) if dated else "none"
        counted["b" if row["at_b"] else "a", reason] += 1
    return counted


@pytest.fixture
def live(app):
    app.config["FACTS_ENABLED"] = False  # the examples are not committed: every figure live
    yield app
    app.config["FACTS_ENABLED"] = True


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(person_rows, max_size=8), shift=st.integers(-3, 3))
def test_reasons_for_not_working_are_their_definition(live, world, rows, shift):
    day = DAY + timedelta(days=shift)
    scopes = {"country": {}, "region of A": {"region_id": world.facility_a.region_id},
              "facility B": {"facility_id": world.facility_b.id},
              "security level of A": {"security_level": world.facility_a.security_level}}
    before = {name: reasons_on(day, **scope) for name, scope in scopes.items()}
    savepoint = db.session.begin_nested()
    try:
        lines = {"a": factories.line(world.sme_a, world.facility_a, headcount=20),
                 "b": factories.line(world.sme_b, world.facility_b, headcount=20)}
        for row in rows:
            admitted = DAY + timedelta(days=row["admitted"])
            place = "b" if row["at_b"] else "a"
            person = factories.person(world.facility_b if row["at_b"] else world.facility_a,
                                      admitted_on=admitted, able_bodied=row["able"])
            if row["held_for"] is not None:
                stay = db.session.query(Stay).filter_by(person_id=person.id).one()
                stay.ended_on, stay.end_reason = (admitted + timedelta(days=row["held_for"]),
                                                  "released")
            if row["placed"] is not None:
                start = admitted + timedelta(days=row["placed"][0])
                end = (start + timedelta(days=row["placed"][1])
                       if row["placed"][1] is not None else None)
                factories.placement(person, lines[place], started_on=start, ended_on=end)
            for offset, code in row["reasons"]:
                db.session.add(NotWorkingReason(person_id=person.id, reason=code,
                                                since_on=DAY + timedelta(days=offset)))
        db.session.flush()
        expected = _expected(rows, day)
        in_scope = {"country": ("a", "b"), "region of A": ("a",), "facility B": ("b",),
                    "security level of A": ("a",)}
        for name, scope in scopes.items():
            want = Counter(before[name])
            for (place, reason), persons in expected.items():
                if place in in_scope[name]:
                    want[reason] += persons
            assert reasons_on(day, **scope) == {k: v for k, v in want.items() if v}, name
        shown = reason_rows(day, False)
        assert [row["key"] for row in shown] == list(REASON_CODES)
        total = sum(row["persons"] for row in shown)
        assert all(row["share"] == (row["persons"] / total if total else None) for row in shown)
    finally:
        savepoint.rollback()
