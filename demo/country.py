"""Facilities, spaces, enterprises, leases and production lines of one demo country.

Everything is planned so that on D the employed of each kind, the SMEs engaged, the area
leased and the new productions come out exactly (see catalogue.TARGETS); ``quota`` on a line
is the number of people it employs on D, which the population module then fills.

Wages follow the minimum wage (DESIGN.md section 4): a line opens a little above the year's
minimum wage and, each year the minimum wage rises, is raised to keep its premium over it
(``line_wage``). A few open lines, chosen on purpose so that the flag can be seen, missed the
latest rise (``FLAGGED_LINES``, ``_flag_lines``): they pay below this year's minimum wage and,
as the rule says, have taken nobody since.
"""
from datetime import date

from sqlalchemy import select

from reference.models import MinimumWage

from . import catalogue as c
from .names import company_name
from .util import INF, apportion, as_date, as_datetime, day, uniform_day

D = day(c.D)
# Open lines left below this year's minimum wage on purpose: one at each demo inspector's
# facility (Astana: the demo owner's if it fits) and the first fitting ones of this many
# other regions.
FLAGGED_OTHER_REGIONS = 2


class Counter:
    """Hands out consecutive ids for one table, starting after the existing rows."""

    def __init__(self, start):
        self.last = start

    def next(self):
        """Return the next id."""
        self.last += 1
        return self.last


class Country:
    """The planned rows of one copy of the country, before any person exists."""

    def __init__(self, rng, ids, identifiers, regions, wages, today, copy, factor):
        self.rng, self.ids, self.identifiers = rng, ids, identifiers
        self.regions, self.wages, self.today, self.copy = regions, wages, day(today), copy
        self.targets = {key: round(value * factor) for key, value in c.TARGETS.items()}
        self.workshop_employed = round(c.WORKSHOP_EMPLOYED * factor)
        self.probation_clients = round(c.PROBATION_CLIENTS * factor)
        self.workshop_probation = min(self.probation_clients, round(c.WORKSHOP_PROBATION * factor))
        self.probation_services = {}  # region code -> probation service id, set by the generator
        self.facilities, self.spaces, self.enterprises = [], [], []
        self.leases, self.lines, self.line_occupations = [], [], []
        self.lines_by_facility = {}
        self.workshop = None

    # -- building blocks -------------------------------------------------------------------

    def minimum_wage(self, day_number):
        """Return the minimum wage of the year of a day number."""
        return self.yearly_minimum(as_date(day_number).year)

    def yearly_minimum(self, year):
        """Return the minimum wage of a year (the nearest year known outside the table)."""
        return self.wages[min(max(year, min(self.wages)), max(self.wages))]

    def last_rise(self):
        """Return the latest year up to today in which the minimum wage rose, or None."""
        this_year = as_date(self.today).year
        return next((year for year in range(this_year, min(self.wages), -1)
                     if self.yearly_minimum(year) > self.yearly_minimum(year - 1)), None)

    def line_wage(self, line, year):
        """Return a line's monthly wage in a year.

        The opening wage, raised each year the minimum wage rises so that the line keeps its
        premium over it, and never below it; a line flagged on purpose (``_frozen_from``)
        misses the raises from that year on.
        """
        wages = line["_wages"]
        if year not in wages:
            if year <= as_date(line["_open"]).year:
                return line["_opening_wage"]
            previous = self.line_wage(line, year - 1)
            minimum = self.yearly_minimum(year)
            raised = max(previous, -(-minimum // 500) * 500,
                         int(minimum * line["_premium"]) // 500 * 500)
            frozen = line["_frozen_from"] is not None and year >= line["_frozen_from"]
            wages[year] = previous if frozen else raised
        return wages[year]

    def add_space(self, facility, kind, area):
        """Add a production space of ``kind`` and ``area`` m² to a facility."""
        number = sum(1 for s in self.spaces if s["facility_id"] == facility["id"]) + 1
        space = {"id": self.ids["production_space"].next(), "facility_id": facility["id"],
                 "name": f"{c.SPACE_NAMES[kind]} №{number}", "kind": kind,
                 "area_m2": round(area, 1), "power_kw": round(area * 0.15, 1)
                 if kind in ("workshop", "warehouse") else None,
                 "is_active": True, "version_id": 1}
        self.spaces.append(space)
        return space

    def add_enterprise(self, kind, name, facility, joined, parent=None, linked=True):
        """Add an enterprise working in (or, for SMEs, leasing in) a facility."""
        enterprise = {"id": self.ids["enterprise"].next(), "kind": kind, "name": name,
                      "bin": self.identifiers.bin(as_date(joined)),
                      "region_id": facility["region_id"], "parent": parent,
                      "facility_id": facility["id"] if linked else None,
                      "joined_on": as_date(joined), "status": "approved",
                      "contact_phone": f"+7 7{self.rng.randrange(10**9):09d}",
                      "created_at": as_datetime(joined), "_facility": facility}
        self.enterprises.append(enterprise)
        return enterprise

    def add_lease(self, enterprise, space, area, starts, ends):
        """Add an approved lease (status ended when it ends before today)."""
        lease = {"id": self.ids["lease"].next(), "enterprise_id": enterprise["id"],
                 "space_id": space["id"], "area_m2": area, "starts_on": as_date(starts),
                 "ends_on": as_date(ends) if ends < INF else None,
                 "status": "ended" if ends < INF else "active",
                 "purpose": space["name"], "requested_at": as_datetime(starts - 30),
                 "decided_at": as_datetime(starts - 20, 15)}
        self.leases.append(lease)
        return lease

    def add_line(self, enterprise, title, occupations, facility, opened, closed=INF,
                 lease=None, outside=False, quota=0, minors=False):
        """Add a production line open from ``opened`` up to ``closed`` (day numbers)."""
        minimum = self.minimum_wage(opened)
        wage = int(minimum * self.rng.uniform(1.02, 1.5)) // 500 * 500
        closed_date = as_date(closed) if closed <= self.today else None
        line = {"id": self.ids["production_line"].next(), "enterprise_id": enterprise["id"],
                "title": title, "description": None,
                "facility_id": None if outside else facility["id"],
                "region_id": facility["region_id"], "lease_id": lease["id"] if lease else None,
                "headcount": 1, "hours_per_week": 40, "wage_kzt": wage, "min_months_left": 0,
                "involves_minors": minors, "outside_work": outside,
                "training_provided": self.rng.random() < 0.4,
                "open_to_probation": False, "leavers_within_months": None,
                "status": "closed" if closed_date else "open", "opened_on": as_date(opened),
                "closed_on": closed_date, "created_at": as_datetime(opened - 7),
                "version_id": 1,
                "_open": opened, "_close": closed if closed <= self.today else INF,
                "_kind": enterprise["kind"], "_quota": quota, "_codes": occupations,
                "_opening_wage": wage, "_premium": wage / minimum, "_wages": {},
                "_frozen_from": None}
        self.lines.append(line)
        for index, code in enumerate(occupations):
            self.line_occupations.append({
                "line_id": line["id"], "occupation_code": code,
                "min_level": "qualified" if index == 0 and self.rng.random() < 0.3 else "trainee"})
        if not outside:
            self.lines_by_facility.setdefault(facility["id"], []).append(line)
        return line

    # -- the country -----------------------------------------------------------------------

    def plan(self):
        """Plan facilities, enterprises, leases and lines; return self."""
        self._facilities()
        self._services()
        self._branches()
        self._smes()
        self._flag_lines()
        this_year = as_date(self.today).year
        for line in self.lines:
            last = as_date(line["_close"]).year if line["_close"] < INF else this_year
            line["wage_kzt"] = self.line_wage(line, last)
        return self

    def _flag_lines(self):
        """Leave a few open lines below this year's minimum wage on purpose (no randomness).

        They missed the latest rise of the minimum wage: SME lines inside a facility, opened
        before it, open today, whose wage then falls short of the new minimum. The careers
        place nobody on them from that year on (``Careers._choose``).
        """
        rise = self.last_rise()
        self.flagged, self.flagged_from = [], INF
        if rise is None:
            return
        first_day = day(date(rise, 1, 1))

        def fits(line):
            return (line["_kind"] == "sme" and line["facility_id"] is not None
                    and line["_open"] < first_day and line["_close"] == INF
                    and self.line_wage(line, rise - 1) < self.yearly_minimum(rise))

        fitting = [line for line in self.lines if fits(line)]
        astana = self.astana_minimum[0]["id"]
        karaganda = next((b["_facility"]["id"] for b in self.branches
                          if b["_facility"]["_region"] == "KZ-35"), None)
        # At each demo inspector's facility, the demo owner's line first if it fits.
        at_astana = sorted((line for line in fitting if line["facility_id"] == astana),
                           key=lambda line: line["enterprise_id"] != self.owner_sme["id"])
        chosen = at_astana[:1]
        chosen += [line for line in fitting if line["facility_id"] == karaganda][:1]
        regions = {"KZ-71", "KZ-35"}
        for line in fitting:
            region = self._region_of[line["facility_id"]]
            if len(regions) >= 2 + FLAGGED_OTHER_REGIONS:
                break
            if region not in regions:
                regions.add(region)
                chosen.append(line)
        for line in chosen:
            line["_frozen_from"] = rise
            line["_wages"].clear()
        self.flagged = chosen
        self.flagged_from = first_day

    def _facilities(self):
        rng, suffix = self.rng, "" if self.copy == 0 else f"-{self.copy + 1}"
        for region_code, count in c.REGION_FACILITIES.items():
            levels = c.ASTANA_LEVELS if region_code == "KZ-71" else c.LEVEL_CYCLE
            for position in range(count):
                number = 1 + position * 3 + rng.randrange(3) + 100 * self.copy
                institution = f"{c.REGION_PREFIX[region_code]}/{number}"
                pre_trial = position == c.PRE_TRIAL_POSITION
                facility = {
                    "id": self.ids["facility"].next(),
                    "code": f"{region_code.replace('-', '')}-{position + 1:02d}{suffix}",
                    "name_ru": (f"Следственный изолятор {institution}" if pre_trial
                                else f"Учреждение {institution}"),
                    "name_kk": (f"{institution} тергеу изоляторы" if pre_trial
                                else f"{institution} мекемесі"),
                    "name_en": (f"Pre-trial centre {institution}" if pre_trial
                                else f"Institution {institution}"),
                    "region_id": self.regions[region_code], "security_level": levels[position],
                    "is_pre_trial": pre_trial, "_region": region_code, "_position": position}
                self.facilities.append(facility)
                for kind in ("workshop", "warehouse", "yard"):
                    self.add_space(facility, kind, rng.randrange(150, 900))
                if not pre_trial and rng.random() < 0.6:
                    self.add_space(facility, "farm_land", rng.randrange(2000, 20000))
        self.astana_minimum = [f for f in self.facilities
                               if f["_region"] == "KZ-71" and f["security_level"] == "minimum"]
        self._region_of = {f["id"]: f["_region"] for f in self.facilities}

    def _services(self):
        rng = self.rng
        weights = [rng.uniform(0.6, 1.4) * (0.5 if f["is_pre_trial"] else 1.0)
                   for f in self.facilities]
        quotas = apportion(self.targets["facility_service"], weights)
        for facility, quota in zip(self.facilities, quotas):
            opened = day(date(2012, 1, 1)) + rng.randrange(6 * 365)
            service = self.add_enterprise(
                "facility_service", f"Хозяйственная служба {facility['name_ru'].split(' ', 1)[1]}"
                if not facility["is_pre_trial"] else f"Хозяйственная служба СИЗО {facility['code']}",
                facility, opened - 30)
            keys = ["cooking", "laundry", "cleaning", "repairs"]
            if not facility["is_pre_trial"] and rng.random() < 0.6:
                keys.append("farming")
            lines = []
            for key in keys:
                title, codes = c.SERVICES[key]
                lines.append(self.add_line(service, title, codes, facility,
                                           opened + rng.randrange(120)))
            if rng.random() < 0.4:  # life after D: a bakery opens
                title, codes = c.SERVICES["bakery"]
                self.add_line(service, title, codes, facility,
                              uniform_day(rng, D + 30, self.today - 60))
            for line, share in zip(lines, apportion(quota, [rng.uniform(0.5, 1.5) for _ in lines])):
                line["_quota"] = share

    def _branches(self):
        rng = self.rng
        candidates = [f for f in self.facilities if not f["is_pre_trial"]
                      and f not in self.astana_minimum and f["security_level"] != "extreme"]
        rng.shuffle(candidates)
        karaganda = [f for f in candidates if f["_region"] == "KZ-35"][:1]
        chosen = [self.astana_minimum[0]] + karaganda
        chosen += [f for f in candidates if f not in chosen][:c.BRANCHES - len(chosen)]
        chosen.sort(key=lambda f: f["id"])
        quotas = apportion(self.targets["state_branch"] - self.workshop_employed,
                           [rng.uniform(0.6, 1.4) for _ in chosen])
        self.branches = []
        for facility, quota in zip(chosen, quotas):
            parent = "enbek_oskemen" if facility["_region"] in c.OSKEMEN_REGIONS else "enbek"
            joined = day(date(2010, 1, 1)) + rng.randrange(8 * 365)
            label = "«Еңбек-Өскемен»" if parent == "enbek_oskemen" else "«Еңбек»"
            branch = self.add_enterprise(
                "state_branch", f"Филиал РГП {label} при {facility['name_ru'].split(' ', 1)[1]}",
                facility, joined, parent=parent)
            self.branches.append(branch)
            keys = rng.sample(c.BRANCH_PRODUCTIONS, rng.randint(2, 4))
            lines = []
            for key in keys:
                title, codes, _kind, _area = c.PRODUCTIONS[key]
                opened = joined + 30 + rng.randrange(max(1, day(date(2019, 12, 1)) - joined - 30))
                closed = uniform_day(rng, D + 60, self.today + 400) if rng.random() < 0.2 else INF
                lines.append(self.add_line(branch, title, codes, facility, opened, closed,
                                           minors=rng.random() < 0.04))
            if rng.random() < 0.3:
                title, codes, _kind, _area = c.PRODUCTIONS[rng.choice(c.BRANCH_PRODUCTIONS)]
                self.add_line(branch, title + " (новый участок)", codes, facility,
                              uniform_day(rng, D + 30, self.today - 90))
            for line, share in zip(lines, apportion(quota, [rng.uniform(0.5, 1.5) for _ in lines])):
                line["_quota"] = share
        # The Astana sewing workshop: an outside line of the Astana branch.
        title, codes = c.WORKSHOP
        astana_branch = next(b for b in self.branches
                                 if b["_facility"] is self.astana_minimum[0])
        self.workshop = self.add_line(astana_branch, title, codes, self.astana_minimum[0],
                                      day(date(2021, 3, 15)), outside=True,
                                      quota=self.workshop_employed)
        self.workshop["description"] = ("Для осуждённых учреждений минимальной безопасности "
                                        "г. Астаны и лиц, состоящих на учёте службы пробации; "
                                        "120 рабочих мест.")
        self.workshop["open_to_probation"] = True
        self.workshop["leavers_within_months"] = c.WORKSHOP_LEAVERS_MONTHS

    def _smes(self):
        rng = self.rng
        hosts = [f for f in self.facilities if not f["is_pre_trial"]]
        weights = [(2.0 if f["security_level"] in ("minimum", "medium") else 1.0)
                   * rng.uniform(0.5, 1.5) for f in hosts]
        counts = apportion(c.SMES_ENGAGED - 3, weights)
        counts[hosts.index(self.astana_minimum[0])] += 3
        engaged_hosts = [f for f, n in zip(hosts, counts) for _ in range(n)]
        new_flags = [False] * len(engaged_hosts)
        # The first SME in the inspector's Astana facility stays old: the owner's company.
        owner_index = engaged_hosts.index(self.astana_minimum[0])
        pool = [i for i in range(len(engaged_hosts)) if i != owner_index]
        for i in rng.sample(pool, c.NEW_SMES):
            new_flags[i] = True
        productions = [rng.choice(c.SME_PRODUCTIONS) for _ in engaged_hosts]
        areas = apportion(c.AREA_LEASED, [c.PRODUCTIONS[p][3] * rng.uniform(0.5, 1.5)
                                          for p in productions])
        new_total = self.targets["new_employed"]
        old_total = self.targets["sme"] - new_total
        new_quotas = iter(apportion(new_total, [rng.uniform(0.5, 1.5) for f in new_flags if f]))
        old_quotas = iter(apportion(old_total, [rng.uniform(0.5, 1.5) for f in new_flags if not f]))
        self.smes = []
        for index, (facility, is_new, key, area) in enumerate(
                zip(engaged_hosts, new_flags, productions, areas)):
            quota = next(new_quotas) if is_new else next(old_quotas)
            if is_new:
                joined = uniform_day(rng, day(date(2020, 10, 1)), day(date(2021, 4, 30)))
                starts = max(joined + rng.randint(10, 45), day(date(2020, 11, 1)))
                first = uniform_day(rng, max(starts + 5, day(date(2021, 1, 5))),
                                    day(date(2021, 6, 20)))
                ends = INF
            else:
                joined = uniform_day(rng, day(date(2016, 1, 1)), day(date(2020, 9, 1)))
                starts = joined + rng.randint(10, 60)
                first = uniform_day(rng, starts + 10, min(starts + 120, day(date(2020, 12, 20))))
                leaves = index != owner_index and rng.random() < 0.15
                ends = uniform_day(rng, D + 30, self.today - 30) if leaves else INF
            self.smes.append(self._sme(facility, key, area, joined, starts, first, ends, quota,
                                       keep_open=index == owner_index))
        self.owner_sme = self.smes[owner_index]
        for _ in range(c.FORMER_SMES):
            facility = rng.choice(hosts)
            joined = uniform_day(rng, day(date(2016, 1, 1)), day(date(2018, 12, 31)))
            ends = uniform_day(rng, day(date(2020, 3, 1)), day(date(2021, 5, 31)))
            self._sme(facility, rng.choice(c.SME_PRODUCTIONS), rng.randrange(150, 600), joined,
                      joined + 30, joined + 60, ends, 0)
        for _ in range(c.LATE_SMES):
            facility = rng.choice(hosts)
            joined = uniform_day(rng, D + 15, self.today - 150)
            starts = joined + rng.randint(15, 40)
            self._sme(facility, rng.choice(c.SME_PRODUCTIONS), rng.randrange(150, 900), joined,
                      starts, uniform_day(rng, starts + 10, starts + 60), INF, 0)

    def _sme(self, facility, key, area, joined, starts, first, ends, quota, keep_open=False):
        """Add one SME with its own space, a lease and one to three lines."""
        rng = self.rng
        title, codes, kind, _weight = c.PRODUCTIONS[key]
        sme = self.add_enterprise("sme", company_name(rng), facility, joined, linked=False)
        space = self.add_space(facility, kind, area * rng.uniform(1.0, 1.4) + 10)
        lease = self.add_lease(sme, space, area, starts, ends if ends <= self.today else INF)
        opened = [first] + sorted(uniform_day(rng, first + 60, min(ends, self.today) - 30)
                                  for _ in range(rng.choice((0, 0, 1, 2)))
                                  if min(ends, self.today) - 30 > first + 60)
        lines = []
        for number, day_opened in enumerate(opened):
            closed = ends
            if not keep_open and closed == INF and number and rng.random() < 0.15:
                closed = uniform_day(rng, day_opened + 90, self.today + 200)
            suffix = "" if number == 0 else f" — участок {number + 1}"
            lines.append(self.add_line(sme, title + suffix, codes, facility, day_opened, closed,
                                       lease=lease, minors=not keep_open and rng.random() < 0.04))
        on_d = [line for line in lines if line["_open"] <= D < line["_close"]]
        if quota and not on_d:
            on_d = lines[:1]
        for line, share in zip(on_d, apportion(quota, [rng.uniform(0.5, 1.5) for _ in on_d])):
            line["_quota"] = share
        return sme


def minimum_wages(session):
    """Return {year: minimum wage} from the reference table."""
    return {year: amount for year, amount in session.execute(
        select(MinimumWage.year, MinimumWage.amount_kzt)).all()}
