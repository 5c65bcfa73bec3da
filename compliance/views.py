"""Routes for consent, safety, pauses and the personal account of one person."""
from .blueprint import bp
