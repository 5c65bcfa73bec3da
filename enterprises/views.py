"""Routes of the enterprises package."""
from flask import Blueprint

bp = Blueprint("enterprises", __name__)
