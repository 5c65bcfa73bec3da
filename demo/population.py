"""People of one demo country: persons, stays, skills and placements over time.

The population on D is built exactly (per facility: in custody, able-bodied, employed on each
planned line, restricted); history before D and life after it are generated around it and
never touch D: spells before D end on or before D, spells after D start after D, and people
released before D or admitted after D have no stay covering D.
"""

from . import catalogue as c
from .careers import HISTORY_FROM, Careers, D
from .names import person_name
from .probation import Probation
from .util import INF, add_years, apportion, as_date, day, uniform_day

SENTENCE_MEAN = 1460                  # days, mean time from D (or admission) to release
EDUCATION_LEVELS = [level for level, _weight in c.EDUCATION]
EDUCATION_WEIGHTS = [sum(w for _l, w in c.EDUCATION[:i + 1]) for i in range(len(c.EDUCATION))]
ALL_CODES = sorted({code for _t, codes, _k, _a in c.PRODUCTIONS.values() for code in codes}
                   | {code for _t, codes in c.SERVICES.values() for code in codes})


class Population(Careers, Probation):
    """Builds the people of a planned Country."""

    def __init__(self, country):
        self.country = country
        self.rng = country.rng
        self.today = country.today
        self.persons, self.stays, self.skills, self.placements = [], [], [], []
        self.supervisions = []
        self.lines = {line["id"]: line for line in country.lines}

    # -- exact figures on D ----------------------------------------------------------------

    def plan(self):
        """Build everyone; return self."""
        country, rng = self.country, self.rng
        facilities = country.facilities
        entries = {f["id"]: [] for f in facilities}
        for line in country.lines:
            if line["facility_id"] is not None:
                entries[line["facility_id"]] += [line] * line["_quota"]
        workshop = country.workshop
        for facility, share in zip(country.astana_minimum,
                                   apportion(workshop["_quota"], [55, 45])):
            entries[facility["id"]] += [workshop] * share
        employed = [len(entries[f["id"]]) for f in facilities]
        rates = self._rates(facilities)
        able = [e + extra for e, extra in zip(employed, apportion(
            country.targets["able_bodied"] - sum(employed),
            [e * (1 / r - 1) + 0.5 for e, r in zip(employed, rates)]))]
        fit = [rng.uniform(0.72, 0.82) for _ in facilities]
        custody = [a + extra for a, extra in zip(able, apportion(
            country.targets["in_custody"] - country.targets["able_bodied"],
            [a * (1 / r - 1) + 0.5 for a, r in zip(able, fit)]))]
        restricted = apportion(country.targets["no_work_with_minors"], custody)
        self.rate = {f["id"]: min(0.8, max(0.2, e / a if a else 0.5))
                     for f, e, a in zip(facilities, employed, able)}
        self.fit = {f["id"]: r for f, r in zip(facilities, fit)}
        self.size = {f["id"]: n for f, n in zip(facilities, custody)}
        self._weights(facilities, entries)
        for facility, n_custody, n_able, n_restricted in zip(facilities, custody, able,
                                                             restricted):
            self._population_on_d(facility, n_custody, n_able, n_restricted,
                                  entries[facility["id"]])
        for facility in facilities:
            self._released_before_d(facility)
            self._admitted_after_d(facility)
        self._probation_clients()
        self._slots()
        return self

    def _rates(self, facilities):
        """Employment rates on D between 0.3 and 0.7, varying by region and facility."""
        rng, by_region = self.rng, {}
        rates = []
        for facility in facilities:
            base = by_region.setdefault(facility["_region"], rng.uniform(0.38, 0.6))
            rate = base + rng.uniform(-0.08, 0.08) - (0.1 if facility["is_pre_trial"] else 0)
            rates.append(min(0.7, max(0.3, rate)))
        return rates

    def _weights(self, facilities, entries):
        """Weights for choosing a line in later spells: its quota on D or its kind's mean."""
        for facility in facilities:
            lines = self.country.lines_by_facility.get(facility["id"], [])
            quotas = [line["_quota"] for line in lines if line["_quota"]]
            mean = sum(quotas) / len(quotas) if quotas else 5
            for line in lines:
                line["_weight"] = max(line["_quota"], mean * 0.8) + 1
        workshop = self.country.workshop
        workshop["_weight"] = workshop["_quota"] / 2 + 1

    def _population_on_d(self, facility, n_custody, n_able, n_restricted, entries):
        rng = self.rng
        people = []
        for index in range(n_custody):
            age = rng.triangular(19, 64, 33)
            born = D - int(age * 365.25) - rng.randrange(365)
            admitted = max(D - int(rng.expovariate(1 / 1200)) - rng.randrange(30),
                           day(add_years(as_date(born), 18)) + 1, D - 20 * 365)
            release = D + 1 + int(rng.expovariate(1 / SENTENCE_MEAN))
            people.append(self._person(facility, born, admitted, release, able=index < n_able))
        for person in rng.sample(people, n_restricted):
            person["no_work_with_minors"] = True
        able = people[:n_able]
        rng.shuffle(able)
        # Restricted places first, each to the first person whom no restriction bars.
        entries = sorted(entries, key=lambda line: not (line["involves_minors"]
                                                        or line["outside_work"]))
        on_d = {}
        for line in entries:
            for position in range(len(able) - 1, -1, -1):
                if self._allowed(able[position], line):
                    on_d[able.pop(position)["id"]] = line
                    break
            else:
                raise RuntimeError(f"nobody fits line {line['id']} at {facility['code']}")
        for person in people:
            stays = self._stays_around_d(person, facility)
            for stay in stays:
                self.stays.append(stay)
            if person["able_bodied"]:
                self._spells_around_d(person, stays, on_d.get(person["id"]))
            self._finish(person, stays)

    # -- people ----------------------------------------------------------------------------

    def _person(self, facility, born, admitted, release, able):
        rng, country = self.rng, self.country
        gender = "F" if rng.random() < 0.07 else "M"
        last, first, patronymic = person_name(rng, gender)
        born_date = as_date(born)
        education = rng.choices(EDUCATION_LEVELS, cum_weights=EDUCATION_WEIGHTS)[0]
        person = {
            "id": country.ids["person"].next(), "last_name": last, "first_name": first,
            "patronymic": patronymic, "gender": gender, "birth_on": born_date,
            "iin": country.identifiers.iin(born_date, gender) if rng.random() < 0.92 else None,
            "facility_id": facility["id"], "admitted_on": as_date(admitted),
            "able_bodied": able, "disability_group": None if able or rng.random() < 0.2
            else rng.choice((1, 2, 2, 2, 3, 3, 3, 3)),
            "education_level": education, "no_work_with_minors": False,
            "no_outside_work": rng.random() < 0.05, "version_id": 1,
            "_admitted": admitted, "_release": release, "_first_line": None}
        person["file_number"] = f"ЛД-{person['id']:07d}"
        self.persons.append(person)
        return person

    def _finish(self, person, stays):
        """Set the current facility, release and status from the person's stays."""
        rng = self.rng
        last = stays[-1]
        person["facility_id"] = last["facility_id"]
        release = person["_release"]
        if release <= self.today:
            person["released_on"] = as_date(release)
            person["custody_status"] = "released"
            early = rng.randrange(30, 400) if rng.random() < 0.25 else 0
            person["expected_release_on"] = as_date(release + early)
        else:
            person["released_on"] = None
            person["custody_status"] = "in_custody"
            person["expected_release_on"] = as_date(release)
        codes = set()
        if person["_first_line"]:
            codes.add(person["_first_line"]["_codes"][0])
        while len(codes) < rng.choice((1, 1, 2, 2, 3)):
            codes.add(ALL_CODES[rng.randrange(len(ALL_CODES))])
        for code in sorted(codes):
            self.skills.append({
                "id": self.country.ids["skill"].next(), "person_id": person["id"],
                "occupation_code": code,
                "level": rng.choice(("trainee", "trainee", "qualified", "qualified", "expert")),
                "years_experience": rng.randrange(0, 16), "certified": rng.random() < 0.3})

    def _stay(self, person, facility, start, end, reason):
        return {"id": self.country.ids["stay"].next(), "person_id": person["id"],
                "facility_id": facility["id"], "started_on": as_date(start),
                "ended_on": as_date(end) if end <= self.today else None,
                "end_reason": reason if end <= self.today else None,
                "_start": start, "_end": end if end <= self.today else INF,
                "_reason": reason, "_facility": facility}

    def _other_facility(self, facility):
        same = [f for f in self.country.facilities
                if f["region_id"] == facility["region_id"] and f is not facility]
        return self.rng.choice(same or self.country.facilities)

    def _stays_around_d(self, person, facility):
        """One stay covering D, with a transfer before or after D for a few people."""
        rng = self.rng
        admitted, release = person["_admitted"], person["_release"]
        draw = rng.random()
        if draw < 0.03 and D - admitted > 60:
            moved = uniform_day(rng, admitted + 30, D)
            return [self._stay(person, self._other_facility(facility), admitted, moved,
                               "transferred"),
                    self._stay(person, facility, moved, release, "released")]
        end = min(release, self.today)
        if draw > 0.97 and end - D > 60:
            moved = uniform_day(rng, D + 30, end - 1)
            return [self._stay(person, facility, admitted, moved, "transferred"),
                    self._stay(person, self._other_facility(facility), moved, release,
                               "released")]
        return [self._stay(person, facility, admitted, release, "released")]

    def _released_before_d(self, facility):
        rng = self.rng
        monthly = self.size[facility["id"]] / 48
        for first in _month_starts(HISTORY_FROM, D - 1):
            for _ in range(int(monthly + rng.random())):
                release = uniform_day(rng, first, min(_next_month(first), D) - 1)
                # Admitted at most 20 years before D, like the people in custody on D (the
                # database keeps stays from 1990 on; the rare long tail once reached 1982).
                admitted = max(release - 60 - int(rng.expovariate(1 / 1200)), D - 20 * 365)
                self._newcomer(facility, admitted, release)

    def _admitted_after_d(self, facility):
        rng = self.rng
        monthly = self.size[facility["id"]] / 49
        for first in _month_starts(D, self.today):
            for _ in range(int(monthly + rng.random())):
                admitted = uniform_day(rng, max(first, D + 1), min(_next_month(first) - 1,
                                                                   self.today))
                self._newcomer(facility, admitted,
                               admitted + 60 + int(rng.expovariate(1 / SENTENCE_MEAN)))

    def _newcomer(self, facility, admitted, release):
        """A person whose only stay does not cover D."""
        rng = self.rng
        age = rng.triangular(18.2, 62, 30)
        born = admitted - int(age * 365.25)
        able = rng.random() < self.fit[facility["id"]]
        person = self._person(facility, born, admitted, release, able)
        person["no_work_with_minors"] = rng.random() < 0.064
        stay = self._stay(person, facility, admitted, release, "released")
        self.stays.append(stay)
        if able:
            start = max(admitted, HISTORY_FROM + rng.randrange(180))
            employed = admitted < start and rng.random() < self.rate[facility["id"]]
            self._forward(person, stay, start, employed)
        self._finish(person, [stay])

    # -- employment spells -----------------------------------------------------------------


def _month_starts(first, last):
    """Day numbers of the first days of the months from ``first``'s to ``last``'s."""
    value = as_date(first).replace(day=1)
    while value.toordinal() <= last:
        yield value.toordinal()
        value = as_date(_next_month(value.toordinal()))


def _next_month(first):
    value = as_date(first)
    return (value.replace(year=value.year + 1, month=1) if value.month == 12
            else value.replace(month=value.month + 1, day=1)).toordinal()
