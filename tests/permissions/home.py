"""Routes of home/, accounts' login and language, reference and static files."""
ALL = {"admin", "analyst", "inspector", "owner", "probation_officer"}

ROUTES = {
    "static": "public",
    "bootstrap.static": "public",
    "home.index": ALL,
    "home.healthz": "public",
    "accounts.login": "public",
    "accounts.logout": ALL,
    "accounts.set_language": "public",
    "reference.occupations_json": ALL,
    "reference.index": {"admin"},
    "reference.minimum_wage_save": {"admin"},
    "reference.occupation_edit": {"admin"},
}

PARAMS = {"code": lambda world: "7533"}
