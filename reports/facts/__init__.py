"""Daily facts: the figures of DESIGN.md section 7 for closed days, stored per facility,
breakdown cell and enterprise, kept in step with the data by database triggers (models.py),
built by INSERT ... SELECT over the live definitions (build.py) and read back by the
dashboard, the series and the exports (read.py). Today is always computed live."""
from .read import (available, built_at, facility_cells, facility_cells_of, headline,
                   months_built_at, series, statistics, wage_cells, wages)

__all__ = ["available", "built_at", "facility_cells", "facility_cells_of", "headline",
           "months_built_at", "series", "statistics", "wage_cells", "wages"]
