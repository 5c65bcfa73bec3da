"""One download with every table of the statistics: a ZIP of CSV files, one per table.

The CSVs follow the user's language as every list export does (tabular.export): for ru and
kk ``;``, a decimal comma and a BOM, so a Russian-locale Excel opens each one. The figures
are the report's own (reports.tables); nothing is computed here.
"""
import io
import zipfile

from flask_babel import force_locale

from tabular.export import csv_lines, csv_style

from .forms import TABLES
from .tables import table


def write_csv_zip(report, stem, language="ru"):
    """Return ZIP bytes holding ``<stem>_<table>.csv`` for every table of the report."""
    output = io.BytesIO()
    with force_locale(language), zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        style = csv_style(language)
        for name in TABLES:
            columns, rows = table(report, name, language)
            spec = [(header, key, "money" if kind in ("pct", "area") else kind)
                    for key, header, kind, _definition in columns]
            lines = csv_lines(spec, (_Row(row) for row in rows), style)
            archive.writestr(f"{stem}_{name}.csv", "".join(lines).encode("utf-8"))
    return output.getvalue()


class _Row:
    """A report row (a dict) read by attribute, as the list exports read rows."""

    def __init__(self, values):
        self.values = values

    def __getattr__(self, name):
        return self.values.get(name)
