"""The report's tables as columns and rows, shared by the dashboard, XLSX and CSV exports."""
from flask_babel import gettext as _

from reference.codes import ENTERPRISE_KINDS, GENDERS, SECURITY_LEVELS

from .probation import DEFINITION as PROBATION_DEFINITION

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


def _people_columns():
    return [("in_custody", _("In custody"), "int"), ("able_bodied", _("Able-bodied"), "int"),
            ("employed", _("Employed"), "int"), ("rate", _("Employment rate"), "pct")]


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
    """Return (columns, rows) of one table; columns are (key, header, kind) triples."""
    if name == "series":
        columns = [("on", _("Month end"), "date")] + _people_columns()
        return columns, report.series
    if name == "wages":
        columns = [("month", _("Month"), "month"), ("accrued_kzt", _("Total accrued, ₸"), "int"),
                   ("persons", _("Persons paid"), "int"),
                   ("mean_kzt", _("Mean per employed person, ₸"), "int"),
                   ("full_norm", _("Full-norm months"), "int"),
                   ("below_minimum", _("Full-norm months below the minimum wage"), "int"),
                   ("below_share", _("Share below the minimum wage"), "pct")]
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
        columns = [("code", _("Code"), "text"), ("name", headers[name], "text")]
        return columns + _people_columns(), rows
    if name == "employer_kind":
        columns = [("label", headers[name], "text"), ("employed", _("Employed"), "int"),
                   ("enterprises", _("Enterprises"), "int"), ("share", _("Share"), "pct")]
    else:
        columns = [("label", headers[name], "text")] + _people_columns()
    return columns, rows


def summary(report):
    """Return (label, value, kind) lines of the summary, in the order of the letter."""
    h, e = report.headline, report.enterprises
    kinds = {row["key"]: row for row in report.breakdowns["employer_kind"]}
    wages = report.latest_wages or {}
    return [
        (_("In custody"), h["in_custody"], "int"),
        (_("Able-bodied"), h["able_bodied"], "int"),
        (_("Employed"), h["employed"], "int"),
        (_("Employment rate"), h["rate"], "pct"),
        (_("State enterprise branches engaged"), e["branches_engaged"], "int"),
        (_("Employed in state enterprise branches"), kinds["state_branch"]["employed"], "int"),
        (_("SMEs engaged"), e["smes_engaged"], "int"),
        (_("Floor space leased, m²"), e["area_leased_m2"], "area"),
        (_("Employed in SMEs"), kinds["sme"]["employed"], "int"),
        (_("New productions this year"), e["new_enterprises"], "int"),
        (_("Employed in new productions"), e["new_employed"], "int"),
        (_("Employed in facility services"), kinds["facility_service"]["employed"], "int"),
        (_("Wages: month"), wages.get("month"), "month"),
        (_("Wages: total accrued, ₸"), wages.get("accrued_kzt"), "int"),
        (_("Wages: mean per employed person, ₸"), wages.get("mean_kzt"), "int"),
        (_("Wages: full-norm months below the minimum wage"), wages.get("below_minimum"), "int"),
    ]


def _probation_table(report, language):
    """People on probation and those employed, by region then by line, with the definition
    (reports/probation.py) on the last row so it travels with the figures."""
    figures = report.probation
    columns = [("kind", _("Breakdown"), "text"), ("code", _("Code"), "text"),
               ("name", _("Region or line"), "text"),
               ("on_probation", _("On probation"), "int"),
               ("employed", _("Employed through the system"), "int")]
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
