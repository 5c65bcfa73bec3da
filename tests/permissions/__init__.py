"""The route permission table, one module per package.

Each module ``tests/permissions/<package>.py`` defines

    ROUTES = {"endpoint": {"admin", "inspector"}, "other.endpoint": "public", ...}
    PARAMS = {"url_param_name": lambda world: world.some_object.id, ...}   # optional

ROUTES says which roles may use each route ("public" for anonymous too). PARAMS tells the
URL-map walker how to fill a route's URL parameters from the ``world`` fixture
(tests/factories.small_world), using objects inside the scope of inspector_a / owner_a.
A route registered in the app but missing here fails tests/web/test_url_map.py.
"""
import importlib
import pkgutil

DEFAULT_PARAMS = {
    "person_id": lambda w: w.person_a.id,
    "line_id": lambda w: w.line_a.id,
    "lease_id": lambda w: w.lease_a.id,
    "space_id": lambda w: w.space_a.id,
    "enterprise_id": lambda w: w.sme_a.id,
    "facility_id": lambda w: w.facility_a.id,
    "user_id": lambda w: w.users.inspector_a.id,
    "filename": lambda w: "css/app.css",
}


def load():
    """Merge ROUTES and PARAMS of every module in this folder."""
    routes, params = {}, dict(DEFAULT_PARAMS)
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for endpoint in getattr(module, "ROUTES", {}):
            if endpoint in routes:
                raise AssertionError(f"{endpoint} is listed twice in tests/permissions")
        routes.update(getattr(module, "ROUTES", {}))
        params.update(getattr(module, "PARAMS", {}))
    return routes, params
