"""Employment histories of demo people: choosing lines, placing, spells before and after D."""
from datetime import date
from heapq import heappop, heappush

from . import catalogue as c
from .util import INF, as_date, as_datetime, day

D = day(c.D)
HISTORY_FROM = day(date(2019, 7, 1))   # people's employment histories start around here
EMPLOYED_MEAN = 330                   # days, mean length of a placement
END_REASONS = ("completed", "dismissed", "health", "other")
END_REASON_WEIGHTS = (45, 60, 68, 75)  # cumulative: completed 45, dismissed 15, health 8, other 7
CONSENT_TAKEN_BY = "Начальник отряда"  # the official who takes a convict's consent to work


class Careers:
    """Placement spells of a Population: mixed into it, sharing its state."""

    def _allowed(self, person, line):
        return not ((line["involves_minors"] and person["no_work_with_minors"])
                    or (line["outside_work"] and person["no_outside_work"]))

    def _choose(self, person, facility, at):
        """Pick a line open on day ``at`` at the facility (or the Astana workshop)."""
        lines = self.country.lines_by_facility.get(facility["id"], [])
        if facility in self.country.astana_minimum:
            lines = lines + [self.country.workshop]
        # A line below the minimum wage takes nobody until raised (the flagged demo lines).
        taking = at < self.country.flagged_from
        open_lines = [line for line in lines if line["_open"] <= at < line["_close"]
                      and self._allowed(person, line)
                      and (taking or line["_frozen_from"] is None)]
        if not open_lines:
            return None
        return self.rng.choices(open_lines, [line["_weight"] for line in open_lines])[0]

    def _idle(self, facility):
        # Spells cut short by releases, closures and newcomers' first idle months pull the
        # observed rate below the target: aim a little higher.
        rate = min(0.85, self.rate[facility["id"]] * 1.12)
        return 7 + int(self.rng.expovariate(rate / (EMPLOYED_MEAN * (1 - rate))))

    def _busy(self):
        return 20 + int(self.rng.expovariate(1 / EMPLOYED_MEAN))

    def _reason(self):
        return self.rng.choices(END_REASONS, cum_weights=END_REASON_WEIGHTS)[0]

    def _place(self, person, line, start, end, reason):
        """Record a placement; ``end`` INF means it is still active."""
        wage = self.country.line_wage(line, as_date(start).year)
        self.placements.append([person["id"], line, start, end, reason, wage])
        if person["_first_line"] is None:
            person["_first_line"] = line

    def _forward(self, person, stay, start, employed):
        """Alternate idle and employed spells from ``start`` to the end of the stay."""
        facility, limit = stay["_facility"], min(stay["_end"], self.today + 1)
        self._current = person
        at = start
        while at < limit:
            if not employed:
                at += self._idle(facility)
                employed = True
                continue
            line = self._choose(person, facility, at)
            if line is None:
                at += 30
                continue
            end = self._spell_end(line, stay, at, at + self._busy())
            if end is None:
                return
            at, employed = end, False

    def _spell_end(self, line, stay, start, natural):
        """Cut a spell at the line's closing or the stay's end; record it; return its end."""
        end, reason = natural, self._reason()
        if line["_close"] <= end:
            end, reason = line["_close"], "line_closed"
        if stay["_end"] <= end:
            end, reason = stay["_end"], stay["_reason"]
        if end > self.today:
            self._place(self._current, line, start, INF, None)
            return None
        if end > start:
            self._place(self._current, line, start, end, reason)
        return end

    def _backward(self, person, stay, end):
        """Employment history before ``end`` (idle just before it), back to HISTORY_FROM."""
        rng, facility = self.rng, stay["_facility"]
        lower = max(stay["_start"], HISTORY_FROM - rng.randrange(180))
        at, employed = end, False
        spells = []
        while at > lower:
            if not employed:
                at -= self._idle(facility)
                employed = True
                continue
            line = self._choose(person, facility, at - 1)
            if line is None:
                at -= 30
                continue
            start = max(at - self._busy(), line["_open"], lower)
            if start < at:
                spells.append((line, start, at, "line_closed" if line["_close"] == at
                               else self._reason()))
            at, employed = start, False
        for line, start, finish, reason in reversed(spells):
            self._place(person, line, start, finish, reason)

    def _spells_around_d(self, person, stays, line_on_d):
        self._current = person
        here = next(s for s in stays if s["_start"] <= D < s["_end"])
        if line_on_d is None:
            self._backward(person, here, D)
            start = D
            employed = False
        else:
            start = max(D - int(self.rng.expovariate(1 / EMPLOYED_MEAN)), line_on_d["_open"],
                        here["_start"])
            self._backward(person, here, start)
            end = self._spell_end(line_on_d, here, start,
                                  D + 1 + int(self.rng.expovariate(1 / EMPLOYED_MEAN)))
            if end is None:
                return
            employed = False
            start = end
        for stay in stays:
            if stay is here:
                self._forward(person, stay, start, employed)
            elif stay["_start"] < D:
                self._forward(person, stay, max(stay["_start"], HISTORY_FROM), False)
            else:
                self._forward(person, stay, stay["_start"], False)

    # -- slots and headcounts --------------------------------------------------------------

    def _slots(self):
        """Number places 1..n per line so overlapping placements differ; set headcounts."""
        rng, by_line = self.rng, {}
        for placement in self.placements:
            by_line.setdefault(placement[1]["id"], []).append(placement)
        workshop = self.country.workshop
        kept = []
        for line in self.country.lines:
            rows = sorted(by_line.get(line["id"], []), key=lambda p: (p[2], p[3], p[0]))
            cap = c.WORKSHOP_HEADCOUNT if line is workshop else INF
            busy, free, top = [], [], 0
            for placement in rows:
                while busy and busy[0][0] <= placement[2]:
                    heappush(free, heappop(busy)[1])
                if free:
                    slot = heappop(free)
                elif top < cap:
                    top += 1
                    slot = top
                else:
                    if placement[2] <= D < placement[3]:
                        raise RuntimeError("the Astana workshop is over its headcount on D")
                    continue
                heappush(busy, (placement[3], slot))
                placement.append(slot)
                kept.append(placement)
            if line is workshop:
                line["headcount"] = c.WORKSHOP_HEADCOUNT
            else:
                line["headcount"] = max(1, top + max(1, int(top * rng.uniform(0.05, 0.3)))
                                        if top else rng.randint(5, 25))
        kept.sort(key=lambda p: (p[0], p[2]))
        self.placements = kept

    def placement_rows(self, ids, change_ids):
        """Return the placements as rows for the placement table, and the changes of their
        agreed wages as rows for placement_wage_change.

        A placement starts at its line's wage of the year and follows each raise of the line
        while it holds its place on 1 January, the day the raises take effect.
        """
        rows, changes = [], []
        this_year = as_date(self.today).year
        for person_id, line, start, end, reason, wage, slot in self.placements:
            placement_id = ids.next()
            for year in range(as_date(start).year + 1, this_year + 1):
                effective = day(date(year, 1, 1))
                if effective >= end:
                    break
                raised = self.country.line_wage(line, year)
                if raised > wage:
                    changes.append({"id": change_ids.next(), "placement_id": placement_id,
                                    "old_wage_kzt": wage, "new_wage_kzt": raised,
                                    "effective_on": as_date(effective), "changed_by_id": None,
                                    "changed_at": as_datetime(effective - 10)})
                    wage = raised
            rows.append({"id": placement_id, "person_id": person_id, "line_id": line["id"],
                         "slot": slot, "started_on": as_date(start),
                         "ended_on": None if end == INF else as_date(end), "end_reason": reason,
                         "wage_kzt": wage, "created_at": as_datetime(start)})
        return rows, changes

    def consent_rows(self):
        """Return a consent, taken the day before the start, for each placement with an SME or
        on an outside line (the placements that need one: compliance.services.needs_consent)."""
        return [{"person_id": person_id, "line_id": line["id"], "taken_on": as_date(start - 1),
                 "taken_by": CONSENT_TAKEN_BY, "late": False, "withdrawn_on": None,
                 "entered_at": as_datetime(start - 1)}
                for person_id, line, start, _end, _reason, _wage, _slot in self.placements
                if line["_kind"] == "sme" or line["facility_id"] is None]
