"""Signals through which packages that build on the reports add figures to them, so that
reports need not know those packages (reports <- compliance).

Receivers run in the request's transaction, read only, and never commit.
"""
from blinker import Namespace

_signals = Namespace()

#: A report was built (``sender`` is the ``Report``: its date, scope and whether small cells
#: are suppressed). Receivers return a section for the dashboard and a sheet of the export,
#: or None: a dict with ``name`` (an id), ``title``, ``columns`` ((key, header, kind)
#: triples, as ``reports.tables.table``), ``rows`` (counts of 1 to 4 already shown as "<5"
#: when ``report.suppressed``) and ``definitions`` (texts saying exactly what is counted).
report_sections = _signals.signal("report-sections")
