"""The columns of the marketplace's lists when exported (tabular.export)."""
from flask_babel import lazy_gettext as _l

from reference.codes import END_REASONS, GENDERS
from tabular.columns import coded, full_name

ROSTER = [(_l("File number"), "Person.file_number", "text"),
          (_l("Full name"), full_name("Person"), "text"),
          (_l("Birth date"), "Person.birth_on", "date"),
          (_l("Gender"), coded("Person.gender", GENDERS), "text"),
          (_l("Facility"), "Person.facility.code", "text"),
          (_l("Admitted on"), "Person.admitted_on", "date"),
          (_l("Expected release"), "Person.expected_release_on", "date"),
          (_l("Able-bodied"), "Person.able_bodied", "bool"),
          (_l("Line"), "line_title", "text"),
          (_l("Start"), "started_on", "date")]

PLACEMENTS = [(_l("File number"), "person.file_number", "text"),
              (_l("Full name"), full_name("person"), "text"),
              (_l("Line"), "line.title", "text"),
              (_l("Start"), "started_on", "date"),
              (_l("End"), "ended_on", "date"),
              (_l("End reason"), coded("end_reason", END_REASONS), "text"),
              (_l("Wage, ₸"), "wage_kzt", "int")]

WORKERS = [(_l("File number"), "file_number", "text"),
           (_l("Full name"), full_name(), "text"),
           (_l("Line"), "line_title", "text"),
           (_l("Start"), "Placement.started_on", "date"),
           (_l("Wage, ₸"), "Placement.wage_kzt", "int")]

WAGE_MONTHS = [(_l("Line"), "title", "text"),
               (_l("Placements"), "placements", "int"),
               (_l("Entered"), "entered", "int"),
               (_l("Reviewed"), "reviewed", "int"),
               (_l("Below the minimum wage"), "below_min", "int")]
