"""Routes of the inmates package."""
from flask import Blueprint

bp = Blueprint("inmates", __name__)
