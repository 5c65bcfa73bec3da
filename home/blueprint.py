"""The blueprint of the home page and the health check; view modules add their routes to it."""
from flask import Blueprint

bp = Blueprint("home", __name__)
