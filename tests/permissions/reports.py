"""Routes of the reports package: statistics for administrators, analysts and inspectors."""
READERS = {"admin", "analyst", "inspector"}

ROUTES = {
    "reports.dashboard": READERS,
    "reports.export_xlsx": READERS,
    "reports.export_csv": READERS,
    "reports.definitions": READERS,
}
ROUTES["reports.raw_export"] = {"admin"}
