"""Routes of api/ (REST under /api/v1): called with the identity's API token, never a cookie.

The walk sends each identity's token in the Authorization header; anonymous calls get 401
(problem+json), never the login page. The description and its page are public.
"""
ALL = {"admin", "analyst", "inspector", "owner", "probation_officer"}
WAGES = {"admin", "inspector", "owner"}

ROUTES = {
    "api-docs.openapi_json": "public",
    "api-docs.openapi_swagger_ui": "public",
    "api.regions": ALL,
    "api.facilities": ALL,
    "api.occupations": ALL,
    "api.minimum_wages": ALL,
    "api.lines": ALL,
    "api.line": ALL,
    "api.candidates": WAGES,
    "api.people": {"admin", "inspector"},
    "api.person": {"admin", "inspector"},
    "api.workers": {"admin", "owner"},
    "api.placements": WAGES,
    "api.placement": WAGES,
    "api.wage_records": WAGES,
    "api.wage_month": WAGES,
    "api.wage_month_write": WAGES,
    "api.statistics": {"admin", "analyst", "inspector"},
    "api.statistics_series": {"admin", "analyst", "inspector"},
    "api.changed_lines": ALL,
    "api.changed_placements": WAGES,
    "api.changed_wage_records": WAGES,
}
