"""Configuration read from the environment."""
import os
from datetime import timedelta

from timeutil import ZONE_NAME

DEFAULT_SECRET = "dev-only-not-secret"
LANGUAGES = ("kk", "ru", "en")


def from_environment(instance_path):
    """Build the configuration mapping for the current environment."""
    env = os.environ.get("MARKETPLACE_ENV", "development")
    default_db = "sqlite:///" + os.path.join(instance_path, "marketplace.db")
    return {
        "ENV_NAME": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEFAULT_SECRET),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "ru",
        "BABEL_DEFAULT_TIMEZONE": ZONE_NAME,  # the zone of timeutil.today()
        "LANGUAGES": LANGUAGES,
        "BOOTSTRAP_SERVE_LOCAL": True,
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        # Uploads are checked against these before any parsing (DESIGN.md section 9).
        "IMPORT_MAX_BYTES": 8 * 1024 * 1024,
        "IMPORT_MAX_ROWS": 50_000,
        "IMPORT_MAX_UNCOMPRESSED": 100 * 1024 * 1024,
        "IMPORT_MAX_COLUMNS": 60,        # a cell further right refuses the file
        "IMPORT_MAX_RATIO": 200,         # a zip part compressed more than this is a bomb
        # Parsed uploads wait here between preview and confirmation, never in the cookie.
        "IMPORT_FOLDER": os.path.join(instance_path, "imports"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "IDLE_TIMEOUT": timedelta(minutes=30),
        "WTF_CSRF_TIME_LIMIT": None,
        # Dashboards keep a date and scope's figures this long in the cache (web/cache.py);
        # any write to the data they read makes every worker compute them afresh sooner.
        "STATISTICS_CACHE_SECONDS": int(os.environ.get("STATISTICS_CACHE_SECONDS", "300")),
        # One cache (and job queue) for every worker; without it, each process has its own.
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # API calls per token (Flask-Limiter), counted in Redis when there is one, so every
        # worker counts the same calls; in each process's memory otherwise.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "300 per minute"),
        # Background jobs (jobs/): how long one may run, and when a silent one is stalled.
        "JOB_QUEUE": os.environ.get("JOB_QUEUE", "marketplace-jobs"),
        "JOB_TIMEOUT_SECONDS": int(os.environ.get("JOB_TIMEOUT_SECONDS", "1800")),
        "JOB_STALL_SECONDS": int(os.environ.get("JOB_STALL_SECONDS", "120")),
        # A page that finds a closed day's facts stale or missing has them rebuilt in the
        # background (reports/facts/refresh.py); the nightly `facts rebuild` remains.
        "FACTS_REBUILD_IN_BACKGROUND": True,
        # Exports with more rows than this are prepared in the background.
        "EXPORT_INLINE_ROWS": int(os.environ.get("EXPORT_INLINE_ROWS", "20000")),
        # A placement may be entered this many days before its first day, never further
        # ahead (marketplace.placements.start_placement).
        "PLACEMENT_START_AHEAD_DAYS": int(os.environ.get("PLACEMENT_START_AHEAD_DAYS", "14")),
        # The log (web.logging): readable lines, JSON lines in production.
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").upper(),
    }


def check_production(config):
    """Refuse to run in production with a missing or default secret key."""
    if config["ENV_NAME"] != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret == DEFAULT_SECRET or len(secret) < 32:
        raise RuntimeError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production"
        )


def engine_options(config):
    """Return the SQLAlchemy engine options for the configured database."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if config.get("ENV_NAME") == "production":
        # A statement's parameters are form values: keep them out of exception messages and logs.
        options.setdefault("hide_parameters", True)
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        # The statistics queries look costly enough to PostgreSQL's planner to be JIT-compiled,
        # and compiling takes about a second, several times the query itself.
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("options", "-c jit=off")
        options["connect_args"] = connect_args
    return options
