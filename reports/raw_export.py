"""The raw export: every wage record of a period with its placement, as one workbook.

National and person-level (file numbers), so administrators only. About 150,000 rows a
year at the country's scale: it runs as a background job (jobs/), streaming rows from a
server-side cursor into XlsxWriter in constant memory, a new sheet every 1,048,575 rows.
The facility is the one that held the person on the record's reference day
(``marketplace.wages.held_on_reference_day``), the one rule that places wages in a scope:
the export and the statistics put every record at the same facility.
"""
import os
import shutil
import tempfile
from datetime import date

import xlsxwriter
from flask_babel import gettext as _
from sqlalchemy import func, select

from enterprises.models import Enterprise, ProductionLine
from extensions import db
from facilities.models import Facility
from inmates.models import Person, Stay
from jobs.services import handler
from marketplace.models import Placement, WageRecord
from marketplace.wages import held_on_reference_day
from tabular import neutralise
from timeutil import month_start

SHEET_ROWS = 1_048_575  # XLSX allows 1,048,576 rows per sheet, one of them the header
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def headers():
    """Return the column headers in the current language."""
    return (_("Placement"), _("File number"), _("Facility"), _("Enterprise"),
            _("Employer kind"), _("Line"), _("Start"), _("End"), _("End reason"), _("Month"),
            _("Days worked"), _("Hours worked"), _("Norm hours"), _("Norm met"),
            _("Accrued, ₸"), _("Upkeep, ₸"), _("Alimony, ₸"), _("Damages, ₸"), _("Tax, ₸"),
            _("Other deductions, ₸"), _("Credited, ₸"))


def records_query(first, last):
    """Return the select of the wage records of months ``first``..``last`` (first days)."""
    return (select(Placement.id, Person.file_number, Facility.code, Enterprise.name,
                   Enterprise.kind, ProductionLine.title, Placement.started_on,
                   Placement.ended_on, Placement.end_reason, WageRecord.month,
                   WageRecord.days_worked, WageRecord.hours_worked, WageRecord.norm_hours,
                   WageRecord.norm_met, WageRecord.accrued_kzt, WageRecord.deduction_upkeep_kzt,
                   WageRecord.deduction_alimony_kzt, WageRecord.deduction_damages_kzt,
                   WageRecord.deduction_tax_kzt, WageRecord.deduction_other_kzt,
                   WageRecord.credited_kzt)
            .select_from(WageRecord)
            .join(Placement, Placement.id == WageRecord.placement_id)
            .join(Person, Person.id == Placement.person_id)
            .join(ProductionLine, ProductionLine.id == Placement.line_id)
            .join(Enterprise, Enterprise.id == ProductionLine.enterprise_id)
            .outerjoin(Stay, held_on_reference_day())
            .outerjoin(Facility, Facility.id == Stay.facility_id)
            .where(WageRecord.month >= month_start(first), WageRecord.month <= month_start(last))
            .order_by(WageRecord.id))


class Sheets:
    """Rows into an XlsxWriter workbook in constant memory, a new sheet when one is full."""

    def __init__(self, path, header):
        self.book = xlsxwriter.Workbook(path, {"constant_memory": True,
                                               "strings_to_formulas": False,
                                               "default_date_format": "yyyy-mm-dd"})
        self.header = header
        self.sheet = None
        self.row = SHEET_ROWS
        self.count = 0

    def _new_sheet(self):
        self.sheet = self.book.add_worksheet(f"{_('Data')} {self.count // SHEET_ROWS + 1}")
        self.sheet.write_row(0, 0, self.header)
        self.row = 0

    def write(self, values):
        """Append one row."""
        if self.row >= SHEET_ROWS:
            self._new_sheet()
        self.row += 1
        self.count += 1
        self.sheet.write_row(self.row, 0, values)

    def close(self):
        """Finish the workbook (an empty export still has its header)."""
        if self.sheet is None:
            self._new_sheet()
        self.book.close()


def count_of(first, last):
    """Return how many rows the export of the months will have."""
    return db.session.scalar(select(func.count()).select_from(WageRecord).where(
        WageRecord.month >= month_start(first), WageRecord.month <= month_start(last)))


def export(path, first, last, progress=None):
    """Write the raw export of months ``first``..``last`` to ``path``; return the row count."""
    total = count_of(first, last)
    sheets = Sheets(path, headers())
    result = db.session.execute(records_query(first, last).execution_options(yield_per=5000))
    for row in result:
        sheets.write([neutralise(v) if isinstance(v, str) else v for v in row])
        if progress is not None and sheets.count % 5000 == 0:
            progress(sheets.count, total)
    sheets.close()
    db.session.rollback()
    return sheets.count


@handler("raw_export")
def raw_export_job(params, progress):
    """The job: the raw export of the months in ``params`` (first, last), as XLSX bytes."""
    first, last = params["first"], params["last"]
    from_day, to_day = date.fromisoformat(first), date.fromisoformat(last)
    folder = tempfile.mkdtemp(prefix="raw-export-")
    try:
        path = os.path.join(folder, "export.xlsx")
        export(path, from_day, to_day, progress)
        with open(path, "rb") as handle:
            data = handle.read()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return f"wages_{first[:7]}_{last[:7]}.xlsx", XLSX, data
