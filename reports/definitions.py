"""What every figure of the dashboard and the statistics export means (DESIGN.md section 7).

One written definition per figure, in the Justice Counts manner: what it counts (persons,
records, enterprises, square metres, tenge or a share), whether it is taken at an instant (on
the date D) or over a period (a calendar month), what it includes and excludes, and which rule
settles boundary days. The statistics code names its figures by these keys
(``reports.tables``), the dashboard shows each definition on hover and behind an info link,
the workbook carries them on its "Definitions" sheet, and /reports/definitions lists them.
Every text is a catalogue message, so it reads in Kazakh, Russian and English.

Choices that DESIGN.md leaves open, settled here:

- **Where wages belong.** A wage record belongs to the facility where the person was held on
  the record's reference day: the last day of the record's month on which the placement was
  active (the month's last day, or the day before the placement ended). So an outside line's
  pay (the Astana sewing workshop) sits with its workers' facilities, facilities add up to
  regions and regions to the country. Records of people not in custody on that day (on
  probation) are in no scope: the wage figures cover the same people as the custody figures.
- **Which wage month a date shows.** The last complete month on or before D: the month whose
  last day is D or earlier (on 2021-07-01 that is June 2021; on 2021-07-31, July). The wage
  table shows the 12 months ending with it.
- **Where a series ends.** On D: the last days of the 11 months before D's month, then D
  itself (D is the last month end when it is one), so the last point equals the headline.
- **Mean wage.** Total accrued / persons paid (distinct persons with a record in the month in
  scope), not / persons employed on a day: a person who started on the month's last day has
  no pay yet, and one who left mid-month was paid.
- **Persons paid across scopes.** Each person counts once a month, at the place of their last
  record of the month (the placement active at the month's end, else the one that ended
  last; ``marketplace.wages.record_facilities``), while each record's pay stays at its own
  reference day's facility: so persons paid add up across facilities and employer kinds as
  pay does. A facility a person left mid-month keeps their pay for the days there, not the
  person.
- **Below the minimum wage.** Held against pay accrued, before deductions: the minimum wage
  is a floor on pay, and upkeep, alimony or damages deducted do not lower it.
- **Part months.** A month the placement did not cover from its first to its last day is not
  a full-norm month, whatever the hours: its pay is for part of a month, so it is left out of
  both "full-norm months" and "below the minimum wage" (it is neither flagged nor cleared).
- **Enterprises in a scope.** An enterprise counts once in each scope where it is engaged: a
  lease of a space at a facility in scope active on D, or a placement active on D of a person
  in custody in scope. One enterprise engaged at two facilities counts once at each, and once
  in their region, so enterprise counts are not summed across places; each enterprise has one
  kind, so the kinds add up to all enterprises. The same count is the summary's "SMEs
  engaged" and the SME row of the employer-kind table.
"""
from collections import namedtuple

from flask_babel import lazy_gettext as _l

Definition = namedtuple("Definition", "key title counts timing includes excludes boundary")

# What a figure counts.
PERSONS = _l("Persons (each person once, however many stays or placements).")
RECORDS = _l("Wage records: one per placement and month (person-months).")
ENTERPRISES = _l("Enterprises (each enterprise once in a scope).")
AREA = _l("Square metres of floor space.")
TENGE = _l("Tenge, as accrued before deductions.")
SHARE = _l("A share: one count divided by another.")
MONTH = _l("A calendar month.")

# When it is taken.
INSTANT = _l("At an instant: on the date D.")
PERIOD = _l("Over a period: one calendar month.")
SERIES_TIMING = _l("At instants: the last day of each of the 11 months before D's month, "
                   "then D itself.")

# How boundary days are settled.
STAYS = _l("A stay starting on D counts on D; one ending on D (release or transfer) does not; "
           "a person transferred on D counts at the new facility.")
PLACEMENTS = _l("A stay or placement starting on D counts on D; one ending on D does not; a "
                "person transferred on D counts at the new facility.")
LEASES = _l("A lease starting on D counts on D; one ending on D does not.")
WAGE_PLACE = _l("The month belongs to the facility that held the person on the last day of "
                "the month the placement covered (the day before it ended, if it ended in the "
                "month).")
NEW_YEAR = _l("A first line opened on 1 January or on D counts; one opened after D does not.")
NONE_EXCLUDED = _l("Nothing else.")

DEFINITIONS = {definition.key: definition for definition in (
    Definition("in_custody", _l("In custody"), PERSONS, INSTANT,
               _l("Convicts held on D at a penal facility in scope, able-bodied or not."),
               _l("People on probation, released or not yet admitted."), STAYS),
    Definition("able_bodied", _l("Able-bodied"), PERSONS, INSTANT,
               _l("Of those in custody, persons recorded as able-bodied."),
               _l("Persons with a disability that bars work."), STAYS),
    Definition("employed", _l("Employed"), PERSONS, INSTANT,
               _l("Of the able-bodied in custody, persons with a placement active on D (in paid "
                  "work). With an employer-kind scope, only placements with employers of that "
                  "kind."),
               _l("Persons not able-bodied, even if placed; people on probation."), PLACEMENTS),
    Definition("rate", _l("Employment rate"), SHARE, INSTANT,
               _l("Employed divided by able-bodied, in the same scope."),
               _l("Nothing else; blank when nobody is able-bodied or a count is hidden."),
               PLACEMENTS),
    Definition("employed_by_kind", _l("Employed, by employer kind"), PERSONS, INSTANT,
               _l("The employed, split by the kind of the enterprise whose line they work on: "
                  "state enterprise branch, SME, facility service. The kinds add up to the "
                  "employed."), NONE_EXCLUDED, PLACEMENTS),
    Definition("share", _l("Share"), SHARE, INSTANT,
               _l("Employed by one employer kind divided by all employed in scope."),
               _l("Blank when the count is hidden."), PLACEMENTS),
    Definition("enterprises", _l("Enterprises engaged"), ENTERPRISES, INSTANT,
               _l("Enterprises with a lease active on D of a space at a facility in scope, or "
                  "with a placement active on D of a person in custody in scope. An enterprise "
                  "engaged at several facilities counts once in each and once in their "
                  "region."), _l("Requested or rejected leases; enterprises with only closed "
                                 "lines."), PLACEMENTS),
    Definition("smes_engaged", _l("SMEs engaged"), ENTERPRISES, INSTANT,
               _l("Enterprises engaged (as defined above) that are small or medium businesses; "
                  "the same count as the SME row of the employer-kind table."),
               _l("Zero when the scope is another employer kind."), PLACEMENTS),
    Definition("branches_engaged", _l("State enterprise branches engaged"), ENTERPRISES,
               INSTANT, _l("Enterprises engaged that are branches of the state enterprises "
                           "Enbek and Enbek-Oskemen."),
               _l("Zero when the scope is another employer kind."), PLACEMENTS),
    Definition("area_leased_m2", _l("Floor space leased, m²"), AREA, INSTANT,
               _l("The area of leases active on D of spaces at facilities in scope (of "
                  "enterprises of the kind in scope, if one is chosen). Adds up across "
                  "facilities."), _l("Requested or rejected leases."), LEASES),
    Definition("new_enterprises", _l("New productions this year"), ENTERPRISES, INSTANT,
               _l("Enterprises whose first production line opened in D's year, on or before D, "
                  "and which have a line in scope."), _l("Enterprises that had a line in an "
                                                         "earlier year."), NEW_YEAR),
    Definition("new_employed", _l("Employed in new productions"), PERSONS, INSTANT,
               _l("Employed persons (as defined above) working on D for a new production."),
               NONE_EXCLUDED, PLACEMENTS),
    Definition("wage_month", _l("Wages: month"), MONTH, PERIOD,
               _l("The last complete month on or before D: the month whose last day is D or "
                  "earlier."), _l("The month of D, unless D is its last day."), WAGE_PLACE),
    Definition("accrued_kzt", _l("Total accrued, ₸"), TENGE, PERIOD,
               _l("Pay accrued for the month on wage records of persons placed in scope, "
                  "before deductions."),
               _l("Records of people not in custody on the reference day (on probation)."),
               WAGE_PLACE),
    Definition("persons", _l("Persons paid"), PERSONS, PERIOD,
               _l("Persons with a wage record for the month in scope, each once: a person paid "
                  "at two places in one month (a transfer) counts at the place of their last "
                  "record, the placement active at the month's end or else the one that ended "
                  "last."),
               _l("Employed persons with no record for the month yet."), WAGE_PLACE),
    Definition("mean_kzt", _l("Mean per person paid, ₸"), TENGE, PERIOD,
               _l("Total accrued divided by persons paid, rounded to whole tenge."),
               _l("Persons employed but not paid in the month."), WAGE_PLACE),
    Definition("full_norm", _l("Full-norm months"), RECORDS, PERIOD,
               _l("Wage records of placements active every day of the month whose hours met "
                  "the norm."),
               _l("Part months (placement started after the 1st or ended before the month's "
                  "end), whatever their hours: they are neither flagged nor cleared."),
               WAGE_PLACE),
    Definition("below_minimum", _l("Full-norm months below the minimum wage"), RECORDS, PERIOD,
               _l("Full-norm months whose accrued pay (before deductions) is under the minimum "
                  "wage of the month's year."), _l("Part months; months with the norm not met."),
               WAGE_PLACE),
    Definition("below_share", _l("Share below the minimum wage"), SHARE, PERIOD,
               _l("Full-norm months below the minimum wage divided by full-norm months."),
               _l("Blank when a count is hidden or there is no full-norm month."), WAGE_PLACE),
    Definition("series", _l("Monthly series"), PERSONS, SERIES_TIMING,
               _l("In custody, able-bodied and employed, each as defined above, on each day of "
                  "the series."), NONE_EXCLUDED, PLACEMENTS),
    Definition("age_band", _l("Age band"), PERSONS, INSTANT,
               _l("Persons in custody by their age in whole years on D."), NONE_EXCLUDED,
               _l("A person whose birthday is D has the new age on D.")),
    Definition("suppressed", _l("Hidden counts (<5)"), PERSONS, INSTANT,
               _l("A count of 1 to 4 persons is shown as <5; further counts are shown as x, "
                  "chosen so that no hidden count can be worked out by subtraction, within a "
                  "table or its totals nor across the reports of the same date (the country, a "
                  "region, a security level, a facility, an employer kind): a count hidden in "
                  "one of them is hidden in all. A month end of the series is hidden as in the "
                  "reports of that day, and a wage month's counts alike in every report showing "
                  "the month. A rate or share using a hidden count is blank; so are the total "
                  "accrued and the mean of a month whose persons paid are hidden."),
               _l("Counts of enterprises and of floor space, which are not about persons."),
               NONE_EXCLUDED),
)}

# Which definition each column or summary line of the report's tables refers to.
COLUMN_DEFINITIONS = {"in_custody": "in_custody", "able_bodied": "able_bodied",
                      "employed": "employed", "rate": "rate", "share": "share",
                      "enterprises": "enterprises", "on": "series", "month": "wage_month",
                      "accrued_kzt": "accrued_kzt", "persons": "persons", "mean_kzt": "mean_kzt",
                      "full_norm": "full_norm", "below_minimum": "below_minimum",
                      "below_share": "below_share", "label_age_band": "age_band"}

PARTS = (("counts", _l("Counts")), ("timing", _l("When")), ("includes", _l("Includes")),
         ("excludes", _l("Excludes")), ("boundary", _l("Boundary days")))


def definition(key):
    """Return the Definition of a figure (KeyError for a figure nobody defined)."""
    return DEFINITIONS[key]


def rows():
    """Return every definition as (key, title, [(part title, text)]) in the current language."""
    return [(d.key, str(d.title), [(str(label), str(getattr(d, part))) for part, label in PARTS])
            for d in DEFINITIONS.values()]


def text(key):
    """Return one definition as a single line of text (a cell's hover title)."""
    d = DEFINITIONS[key]
    return " ".join(f"{label}: {getattr(d, part)}" for part, label in PARTS)
