"""Routes of enterprises/: registry, leases and production lines."""
ALL = {"admin", "analyst", "inspector", "owner", "probation_officer"}

ROUTES = {
    "enterprises.register": "public",
    "enterprises.list": {"admin", "analyst"},
    "enterprises.detail": ALL,
    "enterprises.decide": {"admin"},
    "enterprises.new": {"admin"},
    "enterprises.leases": ALL,
    "enterprises.lease_request": {"owner"},
    "enterprises.lease_decide": {"admin", "inspector"},
    "enterprises.lease_end": {"admin", "inspector"},
    "enterprises.lines": ALL,
    "enterprises.line_detail": ALL,
    "enterprises.line_new": {"owner", "admin"},
    "enterprises.line_edit": {"owner", "admin"},
    "enterprises.line_status": {"owner", "admin"},
    "enterprises.line_close": {"owner", "admin"},
}
