"""The benchmarked operations, each timed beside the building block it is made of.

A case takes a Context (benchmarks/context.py) and returns a timing.Row, or a row with
status "missing" where it cannot run (the demo build at the tiny size, a roster import with
no import service). The cases live by subject in
benchmarks/matching_cases.py, benchmarks/figure_cases.py, benchmarks/facts.py and
benchmarks/spreadsheets.py and benchmarks/page_cases.py (the API's calls in benchmarks/api_cases.py); ``CASES`` names
them for ``python -m benchmarks.run --only``.
"""
from . import facts, spreadsheets
from .figure_cases import (demo_build, national_series, national_statistics, raw_export,
                           roster_import, statistics_workbook)
from .matching_cases import candidates, fill, place_one, save_one_line
from .page_cases import pages

CASES = {
    "candidates": candidates,
    "fill": fill,
    "place": place_one,
    "line": save_one_line,
    "statistics": national_statistics,
    "series": national_series,
    "dashboard": facts.dashboard,
    "series_facts": facts.series,
    "workbook": statistics_workbook,
    "export": raw_export,
    "import": roster_import,
    "import-memory": spreadsheets.hostile_memory,
    "roster-export": spreadsheets.roster_export,
    "writers": spreadsheets.placements_writers,
    "demo": demo_build,
    "pages": pages,
}
