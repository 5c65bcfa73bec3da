"""Writing import templates with headers in the user's language."""
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .cells import neutralise


def template_xlsx(columns, example_row, codes=None):
    """Return an XLSX import template: headers in the current language and one example row.

    ``example_row`` maps column keys to example values. ``codes``, if given, maps a section
    title to a list of (code, label) pairs, written side by side on a second sheet.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Data")
    sheet.append([str(c.label) + (" *" if c.required else "") for c in columns])
    sheet.append([neutralise(example_row.get(c.key)) for c in columns])
    for index, column in enumerate(columns, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(
            column.width, len(str(column.label)) + 4)
    sheet.freeze_panes = "A2"
    if codes:
        listing = workbook.create_sheet(_("Codes"))
        for section, (title, pairs) in enumerate(codes.items()):
            first = section * 3 + 1
            listing.cell(row=1, column=first, value=str(title)).font = Font(bold=True)
            for offset, (code, text) in enumerate(pairs, start=2):
                listing.cell(row=offset, column=first, value=neutralise(str(code)))
                listing.cell(row=offset, column=first + 1, value=neutralise(str(text)))
            listing.column_dimensions[get_column_letter(first)].width = 14
            listing.column_dimensions[get_column_letter(first + 1)].width = 48
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
