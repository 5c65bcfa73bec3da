"""The blueprint of the enterprise registry, leases and production lines; view modules add their routes to it."""
from flask import Blueprint

bp = Blueprint("enterprises", __name__)
