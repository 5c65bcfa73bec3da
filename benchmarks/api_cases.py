"""The REST API's benchmarked calls (issue 20), each a whole request through the application
with a personal token: authentication, rate limit, validation, the work, serialization and
the audit event.

- statistics for a past date (2021-07-01), nationally, for an analyst: the limit is the
  dashboard's own computation of the same report (``build_report`` as the dashboard view
  calls it), both computed afresh (the shared figures cache is off for the case);
- a page of 100 lines for an administrator (every line in scope): the limit is the SQL the
  call sent, alone on a raw DBAPI cursor.
"""
from contextlib import contextmanager

from sqlalchemy import delete, select

from accounts.models import ApiToken, User
from accounts.tokens import create_token
from extensions import db
from reports import services as reports

from . import sqlcapture
from .context import _reset, _row
from .timing import seconds_text

STATISTICS_RATIO = 1.5  # the API within 1.5× of the dashboard's own computation
LINES_PAGE_BUDGET = 0.050


@contextmanager
def token_of(role):
    """A token of the first demo user with the role, deleted afterwards (its calls' audit
    events stay: they are append-only)."""
    user = db.session.scalars(select(User).where(User.role == role).order_by(User.id)).first()
    if user is None:
        raise LookupError(f"no {role} in the benchmark database")
    token, secret = create_token(user, "benchmark")
    db.session.commit()
    token_id, user_id = token.id, user.id
    try:
        yield user_id, secret
    finally:
        _reset()
        db.session.execute(delete(ApiToken).where(ApiToken.id == token_id))
        db.session.commit()


def _caller(ctx, secret, path):
    """Return a function making one call, in its own app context as in production."""
    client = ctx.app.test_client()
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "ru"}

    def call():
        with ctx.app.app_context():
            response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.get_data()[:300]!r}")
        return response

    return call


@contextmanager
def figures_computed_afresh(app):
    """Turn the shared figures cache off (both sides compute, neither reads the other's)."""
    kept = app.config.get("STATISTICS_CACHE_SECONDS")
    app.config["STATISTICS_CACHE_SECONDS"] = 0
    try:
        yield
    finally:
        app.config["STATISTICS_CACHE_SECONDS"] = kept


def api_statistics(ctx):
    """GET /api/v1/statistics?on=<past date>, beside the dashboard's own computation."""
    operation = "statistics for a past date through the API"
    with token_of("analyst") as (user_id, secret), figures_computed_afresh(ctx.app):
        call = _caller(ctx, secret, f"/api/v1/statistics?on={ctx.on:%Y-%m-%d}")

        def dashboard():
            user = db.session.get(User, user_id)
            scope = reports.scope_for(user)
            reports.build_report(ctx.on, scope, suppress=reports.suppresses(user), recent=True)

        row = _row(ctx, operation, None, call, dashboard, teardown=_reset,
                   limit_teardown=_reset,
                   extra=f"national, analyst's token, on {ctx.on}; limit = the dashboard's own "
                         f"computation (build_report); budget {STATISTICS_RATIO}× the limit")
    return _with_limit_cpu(_ratio_verdict(row, STATISTICS_RATIO))


def api_lines_page(ctx):
    """GET /api/v1/lines?page_size=100 for an administrator: the first page of every line."""
    operation = "a page of 100 lines through the API"
    with token_of("admin") as (_user_id, secret):
        call = _caller(ctx, secret, "/api/v1/lines?page_size=100")
        _reset()
        with sqlcapture.captured() as statements:
            shown = len(call().get_json())
        reads = [s for s in sqlcapture.main_statements(statements)
                 if "audit_event" not in s[0] and "api_token" not in s[0]]
        limit = sqlcapture.replay(reads)
        return _with_limit_cpu(_row(
            ctx, operation, LINES_PAGE_BUDGET, call, limit, teardown=_reset,
            extra=f"{shown} lines with enterprise and occupations, {len(reads)} SELECTs; "
                  "limit = the same SELECTs alone"))


def _with_limit_cpu(row):
    """Note the limit's CPU median beside the product's (a busy machine stretches wall time)."""
    if row.limit and row.limit.cpu_median is not None:
        row.extra += f"; limit CPU median {seconds_text(row.limit.cpu_median)}"
    return row


def _ratio_verdict(row, ratio):
    """Judge a row by its ratio to its limit instead of a fixed time."""
    if row.limit and row.limit.median:
        row.budget = ratio * row.limit.median  # the budget column shows it in time
        row.extra += f" = {row.budget * 1000:,.0f} ms"
    return row


API_CASES = {
    "api_statistics": api_statistics,
    "api_lines": api_lines_page,
}
