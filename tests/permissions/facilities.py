"""Routes of facilities/: facility list, floor space and space pages."""
ALL = {"admin", "analyst", "inspector", "owner", "probation_officer"}

ROUTES = {
    "facilities.list": {"admin", "analyst"},
    "facilities.spaces": ALL,
    "facilities.space": ALL,
    "facilities.space_new": {"admin", "inspector"},
    "facilities.space_edit": {"admin", "inspector"},
}
