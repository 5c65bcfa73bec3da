"""Stub."""
from .blueprint import bp  # noqa: F401
