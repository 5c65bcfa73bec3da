"""Routes of the marketplace package."""
from flask import Blueprint

bp = Blueprint("marketplace", __name__)
