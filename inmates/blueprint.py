"""The blueprint of people, their records, skills and the roster import; view modules add their routes to it."""
from flask import Blueprint

bp = Blueprint("inmates", __name__)
