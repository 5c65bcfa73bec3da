"""The columns of the enterprises' lists when exported (tabular.export)."""
from flask_babel import lazy_gettext as _l

from reference.codes import ENTERPRISE_KINDS, ENTERPRISE_STATUSES, LEASE_STATUSES, LINE_STATUSES
from tabular.columns import coded

LINES = [(_l("Line"), "title", "text"),
         (_l("Enterprise"), "enterprise.name", "text"),
         (_l("Status"), coded("status", LINE_STATUSES), "text"),
         (_l("Places"), "headcount", "int"),
         (_l("Filled"), "places_taken", "int"),
         (_l("Wage, ₸"), "wage_kzt", "int"),
         (_l("Opened"), "opened_on", "date")]

ENTERPRISES = [(_l("Name"), "name", "text"),
               (_l("BIN"), "bin", "text"),
               (_l("Kind"), coded("kind", ENTERPRISE_KINDS), "text"),
               (_l("Status"), coded("status", ENTERPRISE_STATUSES), "text"),
               (_l("Joined"), "joined_on", "date")]

LEASES = [(_l("Enterprise"), "enterprise.name", "text"),
          (_l("Facility"), "space.facility.code", "text"),
          (_l("Space"), "space.name", "text"),
          (_l("Area, m²"), "area_m2", "money"),
          (_l("Start"), "starts_on", "date"),
          (_l("End"), "ends_on", "date"),
          (_l("Status"), coded("status", LEASE_STATUSES), "text")]
