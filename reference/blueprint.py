"""The blueprint of reference data; view modules add their routes to it."""
from flask import Blueprint

bp = Blueprint("reference", __name__)
