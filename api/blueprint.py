"""The blueprint of the REST API (version 1); every route is documented in its OpenAPI."""
from flask_smorest import Blueprint

bp = Blueprint("api", __name__, description="Penal labour marketplace API, version 1")
