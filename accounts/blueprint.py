"""The blueprint of login, profile, users and the audit log; view modules add their routes to it."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)
