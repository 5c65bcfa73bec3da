"""The blueprint of background jobs: their progress pages and downloads."""
from flask import Blueprint

bp = Blueprint("jobs", __name__)
