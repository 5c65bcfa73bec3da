"""The blueprint of candidates, placements, the fill, workers and wages; view modules add their routes to it."""
from flask import Blueprint

bp = Blueprint("marketplace", __name__)
