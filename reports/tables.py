"""The report's tables as columns and rows, shared by the dashboard, XLSX and CSV exports.

Each column and summary line names the definition of its figure (reports/definitions.py).
"""
from collections import namedtuple

from flask_babel import gettext as _

from reference.codes import ENTERPRISE_KINDS, GENDERS, SECURITY_LEVELS

from .definitions import COLUMN_DEFINITIONS
from .probation import DEFINITION as PROBATION_DEFINITION

Column = namedtuple("Column", "key header kind definition")
Line = namedtuple("Line", "key label value kind definition")

AGE_BAND_LABELS = {"under_18": "<18", "18_24": "18–24", "25_34": "25–34", "35_44": "35–44",
                   "45_54": "45–54", "55_plus": "55+"}


def table_titles():
    """Return each table's title in the current language."""
    return {
        "region": _("By region"),
        "facility": _("By facility"),
        "security_level": _("By security level"),
        "employer_kind": _("By employer kind"),
        "gender": _("By gender"),
        "age_band": _("By age band"),
        "series": _("Monthly series"),
        "wages": _("Wages by month"),
        "probation": _("On probation, employed"),
    }


def _column(key, header, kind, definition=None):
    return Column(key, header, kind, definition or COLUMN_DEFINITIONS.get(key))


def _people_columns():
    return [_column("in_custody", _("In custody"), "int"),
            _column("able_bodied", _("Able-bodied"), "int"),
            _column("employed", _("Employed"), "int"), _column("rate", _("Employment rate"), "pct")]


def _label_of(by, row, language):
    """The text naming a row's group in the given language."""
    key = row["key"]
    if by in ("region", "facility"):
        name = row.get(f"name_{language}") or row.get("name_ru")
        return f"{row['code']} {name}"
    if by == "security_level":
        return str(SECURITY_LEVELS.get(key, key))
    if by == "gender":
        return str(GENDERS.get(key, key))
    if by == "age_band":
        return AGE_BAND_LABELS.get(key, key)
    if by == "employer_kind":
        return str(ENTERPRISE_KINDS.get(key, key))
    return str(key)


def table(report, name, language):
    """Return (columns, rows) of one table; columns are Column(key, header, kind, definition)."""
    if name == "series":
        columns = [_column("on", _("Day"), "date")] + _people_columns()
        return columns, report.series
    if name == "wages":
        columns = [_column("month", _("Month"), "month"),
                   _column("accrued_kzt", _("Total accrued, ₸"), "int"),
                   _column("persons", _("Persons paid"), "int"),
                   _column("mean_kzt", _("Mean per person paid, ₸"), "int"),
                   _column("full_norm", _("Full-norm months"), "int"),
                   _column("below_minimum", _("Full-norm months below the minimum wage"), "int"),
                   _column("below_share", _("Share below the minimum wage"), "pct")]
        return columns, report.wages
    if name == "probation":
        return _probation_table(report, language)
    headers = {"region": _("Region"), "facility": _("Facility"),
               "security_level": _("Security level"), "employer_kind": _("Employer kind"),
               "gender": _("Gender"), "age_band": _("Age band")}
    if name not in headers:
        raise KeyError(name)
    rows = [dict(row, label=_label_of(name, row, language)) for row in report.breakdowns[name]]
    if name in ("region", "facility"):
        # Code and name in cells of their own, so a spreadsheet can sort and filter them.
        rows = [dict(row, name=row.get(f"name_{language}") or row.get("name_ru")) for row in rows]
        columns = [_column("code", _("Code"), "text"), _column("name", headers[name], "text")]
        return columns + _people_columns(), rows
    if name == "employer_kind":
        columns = [_column("label", headers[name], "text"),
                   _column("employed", _("Employed"), "int", "employed_by_kind"),
                   _column("enterprises", _("Enterprises engaged"), "int"),
                   _column("share", _("Share"), "pct")]
    else:
        label = _column("label", headers[name], "text", COLUMN_DEFINITIONS.get(f"label_{name}"))
        columns = [label] + _people_columns()
    return columns, rows


def summary(report):
    """Return the summary's Line(key, label, value, kind, definition)s, in the letter's order."""
    h, e = report.headline, report.enterprises
    kinds = {row["key"]: row for row in report.breakdowns["employer_kind"]}
    wages = report.latest_wages or {}
    return [Line(*values) for values in (
        ("in_custody", _("In custody"), h["in_custody"], "int", "in_custody"),
        ("able_bodied", _("Able-bodied"), h["able_bodied"], "int", "able_bodied"),
        ("employed", _("Employed"), h["employed"], "int", "employed"),
        ("rate", _("Employment rate"), h["rate"], "pct", "rate"),
        ("branches_engaged", _("State enterprise branches engaged"), e["branches_engaged"],
         "int", "branches_engaged"),
        ("state_branch", _("Employed in state enterprise branches"),
         kinds["state_branch"]["employed"], "int", "employed_by_kind"),
        ("smes_engaged", _("SMEs engaged"), e["smes_engaged"], "int", "smes_engaged"),
        ("area_leased_m2", _("Floor space leased, m²"), e["area_leased_m2"], "area",
         "area_leased_m2"),
        ("sme", _("Employed in SMEs"), kinds["sme"]["employed"], "int", "employed_by_kind"),
        ("new_enterprises", _("New productions this year"), e["new_enterprises"], "int",
         "new_enterprises"),
        ("new_employed", _("Employed in new productions"), e["new_employed"], "int",
         "new_employed"),
        ("facility_service", _("Employed in facility services"),
         kinds["facility_service"]["employed"], "int", "employed_by_kind"),
        ("wage_month", _("Wages: month"), wages.get("month"), "month", "wage_month"),
        ("wage_accrued_kzt", _("Wages: total accrued, ₸"), wages.get("accrued_kzt"), "int",
         "accrued_kzt"),
        ("wage_mean_kzt", _("Wages: mean per person paid, ₸"), wages.get("mean_kzt"), "int",
         "mean_kzt"),
        ("wage_below_minimum", _("Wages: full-norm months below the minimum wage"),
         wages.get("below_minimum"), "int", "below_minimum"),
    )]


def _probation_table(report, language):
    """People on probation and those employed, by region then by line, with the definition
    (reports/probation.py) on the last row so it travels with the figures."""
    figures = report.probation
    # Not the custody figures' definitions: this one travels on the table's last row.
    columns = [Column(key, header, kind, None) for key, header, kind in (
        ("kind", _("Breakdown"), "text"), ("code", _("Code"), "text"),
        ("name", _("Region or line"), "text"), ("on_probation", _("On probation"), "int"),
        ("employed", _("Employed through the system"), "int"))]
    rows = [{"kind": _("Region"), "code": row["code"],
             "name": row.get(f"name_{language}") or row["name_ru"],
             "on_probation": row["on_probation"], "employed": row["employed"]}
            for row in figures["regions"]]
    rows += [{"kind": _("Line"), "code": row["code"],
              "name": f"{row['title']} — {row['enterprise']}", "on_probation": None,
              "employed": row["employed"]} for row in figures["lines"]]
    rows.append({"kind": _("Total"), "code": "", "name": "",
                 "on_probation": figures["on_probation"], "employed": figures["employed"]})
    rows.append({"kind": _("Definition"), "code": "", "name": str(PROBATION_DEFINITION),
                 "on_probation": None, "employed": None})
    return columns, rows
