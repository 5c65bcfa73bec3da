"""The compliance blueprint: consent, safety, pauses, the pay ledger and the evidence pack."""
from flask import Blueprint

bp = Blueprint("compliance", __name__)
