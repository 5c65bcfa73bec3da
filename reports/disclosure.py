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

    def hidden(self):
        """Return {key: SUPPRESSED or COMPLEMENTARY} of the cells to hide."""
        primary = {k for k, v in self.values.items() if 0 < v < SMALL}
        hidden = set(primary)
        changed = True
        while changed:
            changed = False
            for margin, parts in self.sums:
                if sum(1 for key in (margin, *parts) if key in hidden) != 1:
                    continue
                further = _further_cell(self.values, hidden, margin, parts)
                if further is not None:
                    hidden.add(further)
                    changed = True
        return {key: SUPPRESSED if key in primary else COMPLEMENTARY for key in hidden}


def _further_cell(values, hidden, margin, parts):
    """Return the cell to hide so that a sum's one hidden cell cannot be worked out: the
    smallest non-zero part shown, else the margin; None when every cell that could help is
    hidden already (a sum of zeros under a hidden margin gives nothing away)."""
    shown = sorted((values[k], str(k), k) for k in parts if k not in hidden and values[k] > 0)
    if shown:
        return shown[0][2]
    return None if margin in hidden else margin


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


def protect(stats):
    """Return the figures of a Statistics as they may be shown: (headline, breakdowns,
    enterprises, wages, series), hidden counts replaced by SUPPRESSED or COMPLEMENTARY."""
    hidden = _cells(stats).hidden()
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
