"""Disclosure control of the statistics shown to analysts and of every export (DESIGN.md
section 6): no count of 1 to 4 persons can be read or worked out by subtraction.

- Primary suppression: every count of persons (in custody, able-bodied, employed, by any
  breakdown, in the series, employed in new productions, persons paid, full-norm months and
  months below the minimum wage) of 1 to 4 is hidden and shown as ``SUPPRESSED`` ("<5").
- Secondary (complementary) suppression: the report's counts are tied by sums, each a margin
  and its parts: the total (the headline) and the rows of each breakdown (region, facility,
  security level, gender, age band; employed by employer kind), a region and its facilities,
  a security level and its facilities. Whenever exactly one cell of such a sum is hidden, it
  could be worked out by subtraction, so a further cell is hidden: the smallest non-zero part
  shown, or else the margin. This repeats until no sum has exactly one hidden cell, so no
  chain of subtractions within the workbook can start. Such cells show ``COMPLEMENTARY``
  ("x"): their values are 5 or more, hidden to protect another cell.
- A rate or share computed from a hidden count is blank; so is the total accrued and the mean
  of a month whose persons paid are hidden.
- A scope covering one facility (a region with one facility, a security level held by one
  facility) has the same rows, sums and so the same hidden cells as that facility's own
  scope: every scope is protected by the same rule, not only regions and facilities.
- Counts of enterprises and floor space are not about persons and are never hidden.
- The day D is the series' last point and the headline: one cell, hidden alike in both.

What this does not cover: combining workbooks of different scopes (a national workbook and
a facility's own), and bounds from in custody >= able-bodied >= employed.
"""
import heapq
from dataclasses import dataclass, field

SUPPRESSED = "<5"
COMPLEMENTARY = "x"
SMALL = 5
PEOPLE = ("in_custody", "able_bodied", "employed")
TABLES = ("region", "facility", "security_level", "gender", "age_band")
WAGE_COUNTS = ("persons", "full_norm", "below_minimum")


def is_hidden(value):
    """Say whether a shown value is a hidden count."""
    return value in (SUPPRESSED, COMPLEMENTARY)


@dataclass
class Cells:
    """The person counts of one report, each under a key, and the sums that tie them."""

    values: dict = field(default_factory=dict)
    sums: list = field(default_factory=list)

    def add(self, key, value):
        self.values[key] = int(value or 0)
        return key

    def hidden(self, given=None, fixed=()):
        """Return {key: SUPPRESSED or COMPLEMENTARY} of the cells to hide.

        ``given`` are cells hidden already (another computation's marks, kept); ``fixed``
        cells keep the state ``given`` gives them: none is chosen as a further cell.
        Each sum is looked at again whenever one of its cells becomes hidden, so the run
        costs about the size of the sums, however long the chains.
        """
        given = dict(given or {})
        fixed = set(fixed)
        primary = {k for k, v in self.values.items() if 0 < v < SMALL and k not in fixed}
        primary |= {k for k, mark in given.items() if mark == SUPPRESSED}
        hidden = set(primary) | set(given)
        holding = {}
        for index, (margin, parts) in enumerate(self.sums):
            for key in (margin, *parts):
                holding.setdefault(key, []).append(index)
        waiting = list(range(len(self.sums)))
        queued = set(waiting)
        heapq.heapify(waiting)
        while waiting:
            index = heapq.heappop(waiting)
            queued.discard(index)
            margin, parts = self.sums[index]
            if sum(1 for key in (margin, *parts) if key in hidden) != 1:
                continue
            further = _further_cell(self.values, hidden, margin, parts, fixed)
            if further is None:
                continue
            hidden.add(further)
            for other in holding.get(further, ()):
                if other not in queued:
                    queued.add(other)
                    heapq.heappush(waiting, other)
        return {key: SUPPRESSED if key in primary else COMPLEMENTARY for key in hidden}


def _further_cell(values, hidden, margin, parts, fixed=()):
    """Return the cell to hide so that a sum's one hidden cell cannot be worked out: the
    smallest non-zero part shown, else the margin; None when every cell that could help is
    hidden already (a sum of zeros under a hidden margin gives nothing away) or fixed."""
    shown = sorted((values[k], str(k), k) for k in parts
                   if k not in hidden and k not in fixed and values[k] > 0)
    if shown:
        return shown[0][2]
    return None if margin in hidden or margin in fixed else margin


def _cells(stats):
    """Collect the person counts of a Statistics and the sums between them."""
    cells = Cells()
    total = {c: cells.add(("total", c), stats.headline[c]) for c in PEOPLE}
    for by in TABLES:
        rows = stats.breakdowns.get(by, [])
        for c in PEOPLE:
            parts = [cells.add((by, str(row["key"]), c), row[c]) for row in rows]
            if parts:
                cells.sums.append((total[c], parts))
    facilities = stats.breakdowns.get("facility", [])
    for by, attribute in (("region", "region_id"), ("security_level", "security_level")):
        for row in stats.breakdowns.get(by, []):
            members = [f for f in facilities if str(f.get(attribute)) == str(row["key"])]
            for c in PEOPLE:
                cells.sums.append(((by, str(row["key"]), c),
                                   [("facility", str(f["key"]), c) for f in members]))
    kinds = [cells.add(("employer_kind", row["key"], "employed"), row["employed"])
             for row in stats.breakdowns.get("employer_kind", [])]
    cells.sums.append((total["employed"], kinds))
    cells.add(("new", "employed"), stats.enterprises.get("new_employed"))
    for row in stats.series:
        key = "total" if row["on"] == stats.on else ("series", row["on"].isoformat())
        for c in PEOPLE:
            if key != "total":
                cells.add((*key, c), row[c])
    for row in stats.wages:
        for c in WAGE_COUNTS:
            cells.add(("wages", row["month"].isoformat(), c), row[c])
    return cells


def _shown(row, hidden, key_of, counts, derived):
    """Return a copy of a row with its hidden counts replaced and derived values blanked."""
    shown = dict(row)
    for c in counts:
        mark = hidden.get(key_of(c))
        if mark:
            shown[c] = mark
    for name, inputs in derived.items():
        if name in shown and any(is_hidden(shown.get(i)) for i in inputs):
            shown[name] = None
    return shown


def protect_rows(rows, counts, derived=()):
    """Return the rows of one table of counts of persons as they may be shown.

    Each column of ``counts`` sums to a margin that is taken as shown (the table's total, or
    a figure shown elsewhere, such as the headline): small counts are hidden, and then
    further cells of the column until none can be worked out from the margin and the cells
    shown. The ``derived`` values (shares, means) of a row with a hidden count are blanked.
    Values that are not counts (None, text) are left alone.
    """
    cells = Cells()
    for c in counts:
        parts = [cells.add((index, c), row[c]) for index, row in enumerate(rows)
                 if isinstance(row.get(c), int)]
        margin = cells.add(("margin", c), sum(cells.values[key] for key in parts))
        cells.sums.append((margin, parts))
    hidden = cells.hidden()
    shown = []
    for index, row in enumerate(rows):
        row = dict(row)
        marked = False
        for c in counts:
            mark = hidden.get((index, c))
            if mark:
                row[c], marked = mark, True
        if marked:
            row.update({name: None for name in derived if name in row})
        shown.append(row)
    return shown


KINDS = ("state_branch", "sme", "facility_service")
DIMENSIONS = ("gender", "age_band")


def _key(places, c, dim=None, value=None, kind=None):
    """The lattice's key of a count: (facilities, count, breakdown, its value, employer kind).

    ``places`` is the sorted tuple of the facilities with persons in custody that the figure
    covers, so every figure of the same persons has one key whichever workbook shows it
    (the national region row and the region's own total; a one-facility region and its
    facility). With an employer kind only the employed change; the employed of a kind are
    the employer-kind table's row. None for the zero rows of the other kinds."""
    if c != "employed":
        kind = None
    if kind and dim is None:
        return (places, "employed", "employer_kind", kind, None)
    if kind and dim == "employer_kind":
        return (places, "employed", "employer_kind", value, None) if value == kind else None
    return (places, c, dim, value, kind)


@dataclass
class Lattice:
    """The person counts of day D of every standard scope, the sums tying them within and
    across workbooks, and the cells to hide (one pattern for every workbook of the date)."""

    places: dict = field(default_factory=dict)  # facility id -> (region id, security level)
    values: dict = field(default_factory=dict)
    hidden: dict = field(default_factory=dict)

    def places_of(self, scope):
        """The facilities with persons in custody that a scope covers, as a sorted tuple."""
        return tuple(sorted(
            f for f, (region, level) in self.places.items()
            if (not scope.facility_id or f == str(scope.facility_id))
            and (not scope.region_id or region == str(scope.region_id))
            and (not scope.security_level or level == scope.security_level)))


def lattice(rows):
    """Build the Lattice of one date from ``reports.statistics.facility_cells`` (persons in
    custody by facility, gender, age band and employer kind), and hide its cells.

    The standard scopes are the country, each region, each security level, each region and
    level together, and each facility; for each, the counts of every column (in custody,
    able-bodied, employed, and the employed of each employer kind) in total, by gender and by
    age band. The sums: within a workbook, a total and the rows of each table, and the
    employed and their kinds; across workbooks, every count of a scope and the same count of
    the parts of the scope by region, by security level and by facility.
    """
    built = Lattice()
    for row in rows:
        built.places[str(row.facility_id)] = (str(row.region_id), row.security_level)
    by = {"region": lambda f: built.places[f][0], "level": lambda f: built.places[f][1],
          "facility": lambda f: f}
    everything = tuple(sorted(built.places))

    def within(facility):
        region, level = built.places[facility]
        return {everything, (facility,)} | {
            tuple(sorted(f for f, place in built.places.items() if test(place)))
            for test in (lambda p: p[0] == region, lambda p: p[1] == level,
                         lambda p: p == (region, level))}

    scopes = {f: within(f) for f in built.places}
    values = built.values
    for row in rows:
        for places in scopes[str(row.facility_id)]:
            for c in PEOPLE:
                for dim, value in ((None, None), *((d, str(getattr(row, d))) for d in DIMENSIONS)):
                    key = _key(places, c, dim, value)
                    values[key] = values.get(key, 0) + int(getattr(row, c))
                    if row.kind and c == "employed":
                        key = _key(places, c, dim, value, row.kind)
                        values[key] = values.get(key, 0) + int(row.employed)
    types = {}
    for places, *cell in values:
        types.setdefault(places, set()).add(tuple(cell))
    cells = Cells(values=values)
    for places, counts in sorted(types.items()):
        for grouping in by.values():
            groups = {}
            for f in places:
                groups.setdefault(grouping(f), []).append(f)
            if len(groups) < 2:
                continue
            parts = [tuple(sorted(members)) for members in groups.values()]
            for t in counts:
                cells.sums.append(((places, *t), [(p, *t) for p in parts if (p, *t) in values]))
        for c, kind in [(c, None) for c in PEOPLE] + [("employed", k) for k in KINDS]:
            margin = _key(places, c, None, None, kind)
            if margin not in values:
                continue
            for dim in DIMENSIONS:
                cells.sums.append((margin, [(places, *t) for t in sorted(counts, key=str)
                                            if t[:2] == (c, dim) and t[3] == kind]))
        for dim, value in {(None, None)} | {(t[1], t[2]) for t in counts if t[1] in DIMENSIONS}:
            margin = (places, "employed", dim, value, None)
            parts = [_key(places, "employed", dim, value, k) for k in KINDS]
            if margin in values:
                cells.sums.append((margin, [p for p in parts if p in values]))
    built.hidden = cells.hidden()
    return built


def _lattice_key(lattice, stats, local):
    """The lattice's key of a cell of ``_cells(stats)``; None for cells it does not hold
    (the series' month ends, wages, employed in new productions)."""
    places = lattice.places_of(stats.scope)
    kind = stats.scope.employer_kind
    if local[0] == "total":
        return _key(places, local[1], None, None, kind)
    if local[0] in DIMENSIONS:
        return _key(places, local[2], local[0], local[1], kind)
    if local[0] == "employer_kind":
        return _key(places, "employed", "employer_kind", local[1], kind)
    if local[0] in ("region", "facility", "security_level"):
        index = {"region": 0, "security_level": 1}.get(local[0])
        part = tuple(f for f in places if (f == local[1] if index is None
                                           else lattice.places[f][index] == local[1]))
        return _key(part, local[2], None, None, kind)
    return None


RATE = {"rate": ("employed", "able_bodied")}


def protect(stats, lattice=None):
    """Return the figures of a Statistics as they may be shown: (headline, breakdowns,
    enterprises, wages, series), hidden counts replaced by SUPPRESSED or COMPLEMENTARY.

    With the ``lattice`` of the date, every count it holds is hidden exactly as the lattice
    hides it (the same in every workbook of the date); the workbook's own sums then hide what
    they need among the counts it does not hold."""
    cells = _cells(stats)
    given, fixed = {}, set()
    if lattice is not None:
        for local in cells.values:
            key = _lattice_key(lattice, stats, local)
            if key in lattice.values:
                fixed.add(local)
                if key in lattice.hidden:
                    given[local] = lattice.hidden[key]
    hidden = cells.hidden(given, fixed)
    headline = _shown(stats.headline, hidden, lambda c: ("total", c), PEOPLE, RATE)
    breakdowns = {}
    for by, rows in stats.breakdowns.items():
        if by == "employer_kind":
            breakdowns[by] = [_shown(row, hidden, lambda c, k=row["key"]: (by, k, c),
                                     ("employed",), {"share": ("employed",)}) for row in rows]
        else:
            breakdowns[by] = [_shown(row, hidden, lambda c, k=str(row["key"]), b=by: (b, k, c),
                                     PEOPLE, RATE) for row in rows]
    enterprises = _shown(stats.enterprises, hidden, lambda c: ("new", "employed"),
                         ("new_employed",), {})
    series = []
    for row in stats.series:
        if row["on"] == stats.on:
            series.append(_shown(row, hidden, lambda c: ("total", c), PEOPLE, RATE))
        else:
            series.append(_shown(row, hidden, lambda c, d=row["on"].isoformat(): ("series", d, c),
                                 PEOPLE, RATE))
    wages = [_shown(row, hidden, lambda c, m=row["month"].isoformat(): ("wages", m, c),
                    WAGE_COUNTS, {"accrued_kzt": ("persons",), "mean_kzt": ("persons",),
                                  "below_share": ("below_minimum", "full_norm")})
             for row in stats.wages]
    return headline, breakdowns, enterprises, wages, series
