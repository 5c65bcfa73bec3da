"""The lattice of disclosure control (reports.disclosure): one pattern of hidden cells for
every workbook of a date, or of a wage month.

The counts of every standard scope - the country, each region, each security level, each
region and level together, each facility, and each of them for each employer kind - in
total and by each breakdown are held in one Cells under a key naming the persons counted,
so the same figure has one key in every workbook; the sums tie them within and across
workbooks, and one run of the suppression rule over them gives the cells to hide
(reports.disclosure's docstring has the whole rule).
"""
from dataclasses import dataclass, field

from .disclosure import PEOPLE, WAGE_COUNTS, Cells

KINDS = ("state_branch", "sme", "facility_service")
DIMENSIONS = ("gender", "age_band")


def _key(places, c, dim=None, value=None, kind=None, split=("employed",)):
    """The lattice's key of a count: (facilities, count, breakdown, its value, employer kind).

    ``places`` is the sorted tuple of the facilities with persons in custody (or paid, for a
    wage month) that the figure covers, so every figure of the same persons has one key
    whichever workbook shows it (the national region row and the region's own total; a
    one-facility region and its facility). With an employer kind only the counts of
    ``split`` change (the employed; every wage count); a count of a kind is the
    employer-kind row of that count. None for the zero rows of the other kinds."""
    if c not in split:
        kind = None
    if kind and dim is None:
        return (places, c, "employer_kind", kind, None)
    if kind and dim == "employer_kind":
        return (places, c, "employer_kind", value, None) if value == kind else None
    return (places, c, dim, value, kind)


@dataclass
class Lattice:
    """The person counts of day D of every standard scope, the sums tying them within and
    across workbooks, and the cells to hide (one pattern for every workbook of the date)."""

    places: dict = field(default_factory=dict)  # facility id -> (region id, security level)
    values: dict = field(default_factory=dict)
    hidden: dict = field(default_factory=dict)
    split: tuple = ("employed",)  # the counts an employer-kind scope changes

    def key_of(self, scope, c):
        """The key of a scope's count ``c`` in total (its employer kind's, with one)."""
        return _key(self.places_of(scope), c, None, None, scope.employer_kind, self.split)

    def places_of(self, scope):
        """The facilities with persons in custody that a scope covers, as a sorted tuple."""
        return tuple(sorted(
            f for f, (region, level) in self.places.items()
            if (not scope.facility_id or f == str(scope.facility_id))
            and (not scope.region_id or region == str(scope.region_id))
            and (not scope.security_level or level == scope.security_level)))

    def key_of_cell(self, stats, local):
        """The lattice's key of a cell of ``_cells(stats)``; None for cells it does not hold
        (the series' month ends, wages, employed in new productions)."""
        places = self.places_of(stats.scope)
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
                                               else self.places[f][index] == local[1]))
            return _key(part, local[2], None, None, kind)
        return None


def lattice(rows, counts=PEOPLE, split=("employed",), dimensions=DIMENSIONS):
    """Build the Lattice of one date from ``reports.statistics.facility_cells`` (persons in
    custody by facility, gender, age band and employer kind), and hide its cells.

    The standard scopes are the country, each region, each security level, each region and
    level together, and each facility; for each, the counts of every column (in custody,
    able-bodied, employed, and the employed of each employer kind) in total, by gender and by
    age band. The sums: within a workbook, a total and the rows of each table, and the
    employed and their kinds; across workbooks, every count of a scope and the same count of
    the parts of the scope by region, by security level and by facility.

    ``counts``, ``split`` and ``dimensions`` name the rows' count columns, those an employer
    kind splits, and the breakdowns: a wage month's (``wage_lattice``) are its own.
    """
    built = Lattice(split=tuple(split))
    rows = [(str(r.facility_id), str(r.region_id), r.security_level,
             tuple(str(getattr(r, d)) for d in dimensions), r.kind,
             tuple(int(getattr(r, c) or 0) for c in counts)) for r in rows]
    for f, region, level, *_rest in rows:
        built.places[f] = (region, level)
    groupings = (lambda f: built.places[f][0], lambda f: built.places[f][1],
                 lambda f: built.places[f], lambda f: f)
    members = {}
    for f in sorted(built.places):
        for index, grouping in enumerate(groupings):
            members.setdefault((index, grouping(f)), []).append(f)
    scopes = {f: sorted({tuple(sorted(built.places))} | {
        tuple(members[(index, grouping(f))]) for index, grouping in enumerate(groupings)})
              for f in built.places}
    own = {}  # facility -> its counts (a key without the facilities), summed into its scopes
    for f, _region, _level, breakdown, kind, numbers in rows:
        mine = own.setdefault(f, {})
        cells_of = ((None, None), *zip(dimensions, breakdown))
        for c, count in zip(counts, numbers):
            for dim, value in cells_of:
                cell = _key((), c, dim, value, split=split)[1:]
                mine[cell] = mine.get(cell, 0) + count
                if kind and c in split:
                    cell = _key((), c, dim, value, kind, split)[1:]
                    mine[cell] = mine.get(cell, 0) + count
    values = built.values
    for f, mine in own.items():
        for places in scopes[f]:
            for cell, count in mine.items():
                key = (places, *cell)
                values[key] = values.get(key, 0) + count
    counts_of = {}
    for places, *cell in values:
        counts_of.setdefault(places, set()).add(tuple(cell))
    cells = Cells(values=values)
    for places, of_places in sorted(counts_of.items()):
        of_places = sorted(of_places, key=str)
        for grouping in groupings[::3] + groupings[1:2]:  # by region, facility, level
            groups = {}
            for f in places:
                groups.setdefault(grouping(f), []).append(f)
            if len(groups) < 2:
                continue
            parts = [tuple(group) for group in groups.values()]
            for t in of_places:
                cells.sums.append(((places, *t), [(p, *t) for p in parts if (p, *t) in values]))
        rows_of = {}  # (count, breakdown, kind) -> its rows
        for c, dim, value, kind in of_places:
            if dim in dimensions:
                rows_of.setdefault((c, dim, kind), []).append((places, c, dim, value, kind))
        for (c, dim, kind), parts in rows_of.items():
            margin = _key(places, c, None, None, kind, split)
            if margin in values:
                cells.sums.append((margin, parts))
        for c in split:
            rows = sorted({t[1:3] for t in of_places if t[0] == c and t[1] in dimensions})
            for dim, value in [(None, None), *rows]:
                margin = (places, c, dim, value, None)
                parts = [_key(places, c, dim, value, k, split) for k in KINDS]
                if margin in values:
                    cells.sums.append((margin, [p for p in parts if p in values]))
    built.hidden = cells.hidden()
    return built


def wage_lattice(rows):
    """Build the Lattice of one wage month from ``reports.series.wage_cells`` (its persons
    paid, full-norm months and months below the minimum wage by facility and employer kind):
    the same rule over every standard scope, each count split by employer kind, so a wage
    count hidden in one workbook is hidden in every workbook showing that month."""
    return lattice(rows, WAGE_COUNTS, WAGE_COUNTS, ())
