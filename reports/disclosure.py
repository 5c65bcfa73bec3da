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
- One pattern for every workbook of a date (``reports.lattice.lattice``): the counts of day D of every
  standard scope - the country, each region, each security level, each region and level
  together, each facility, and each of them for each employer kind - in total, by gender, by
  age band and by employer kind, with the region, facility and security-level rows, are held
  in one Cells under a key naming the persons counted (the facilities covered, the
  breakdown cell, the employer kind), so the same figure has one key in every workbook (a
  region's total and the national region row; a one-facility region and its facility). Its
  sums are those within each workbook and those across workbooks: every count equals the
  same count of its parts by region, by security level and by facility, and the employed
  equal the employed of each kind. One run of the rule over it gives the hidden cells of D,
  and ``protect(stats, lattice)`` shows each workbook's counts of D hidden as the lattice
  hides them: a count hidden in one workbook is hidden in every workbook showing it, and no
  chain of subtractions within or across the workbooks of the date can start. Any scope the
  filters make (a facility with a security level, a region with an employer kind) covers one
  of these facility sets, so it has the lattice's keys too.
- Each month end of the series is a day of its own: its counts are hidden as that day's
  lattice hides them, so a month end is hidden alike in every series showing it and in that
  day's own workbooks. Each wage month has a lattice of its own (``reports.lattice.wage_lattice``): persons
  paid, full-norm months and months below the minimum wage of every standard scope, split
  by employer kind, tied across workbooks by the same sums. Both are the same rule over
  other cells (``lattice``), so no chain of subtractions between the workbooks' series or
  wage tables can start either.
- The rest - the employed in new productions - is protected within its workbook only, by the
  same rule, on top of the lattices' patterns (whose cells it never unhides or chooses).
- Counts of enterprises and floor space are not about persons and are never hidden.
- The day D is the series' last point and the headline: one cell, hidden alike in both.

What this does not cover: bounds from in custody >= able-bodied >= employed (and full-norm
months >= months below the minimum wage), and differences between dates (a month end minus
the next is not a count of persons).
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
        cells are never chosen as further cells (their state is ``given``'s); a count of 1 to
        4 is hidden whatever is given.
        Each sum is looked at again whenever one of its cells becomes hidden, so the run
        costs about the size of the sums, however long the chains.
        """
        given = dict(given or {})
        fixed = set(fixed)
        primary = {k for k, v in self.values.items() if 0 < v < SMALL}
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


RATE = {"rate": ("employed", "able_bodied")}


def protect(stats, lattice=None, month_ends=None, wage_months=None):
    """Return the figures of a Statistics as they may be shown: (headline, breakdowns,
    enterprises, wages, series), hidden counts replaced by SUPPRESSED or COMPLEMENTARY.

    With the ``lattice`` of the date, every count it holds is hidden exactly as the lattice
    hides it (the same in every workbook of the date); likewise each series month end with
    that day's lattice (``month_ends``: day -> Lattice) and each wage month's counts with its
    ``wage_lattice`` (``wage_months``: first day -> Lattice). The workbook's own sums then
    hide what they need among the counts no lattice holds."""
    cells = _cells(stats)
    monthly = {("series", day.isoformat()): held for day, held in (month_ends or {}).items()}
    monthly.update({("wages", month.isoformat()): held
                    for month, held in (wage_months or {}).items()})
    given, fixed = {}, set()
    for local in cells.values:
        held = monthly.get(local[:2])
        if held is not None:
            key = held.key_of(stats.scope, local[2])
        elif lattice is not None:
            held, key = lattice, lattice.key_of_cell(stats, local)
        else:
            continue
        if key in held.values:
            fixed.add(local)
            if key in held.hidden:
                given[local] = held.hidden[key]
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
