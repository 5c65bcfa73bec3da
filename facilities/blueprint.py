"""The blueprint of facilities and their production spaces; view modules add their routes to it."""
from flask import Blueprint

bp = Blueprint("facilities", __name__)
