"""The blueprint of the dashboard and its exports; view modules add their routes to it."""
from flask import Blueprint

bp = Blueprint("reports", __name__)
