"""Routes of accounts/ besides login, logout and language (listed in home.py)."""
ALL = {"admin", "analyst", "inspector", "owner", "probation_officer"}

ROUTES = {
    "accounts.profile": ALL,
    "accounts.change_password": ALL,
    "accounts.users": {"admin"},
    "accounts.user_new": {"admin"},
    "accounts.user_edit": {"admin"},
    "accounts.user_deactivate": {"admin"},
    "accounts.user_reactivate": {"admin"},
    "accounts.user_password": {"admin"},
    "accounts.audit": {"admin"},
    "accounts.audit_csv": {"admin"},
    "accounts.token_new": ALL,
    "accounts.token_revoke": ALL,
    "accounts.user_tokens": {"admin"},
    "accounts.user_token_revoke": {"admin"},
}

# No such token (the walk's own must keep working): an allowed role gets 404, others are refused.
PARAMS = {"token_id": lambda world: 999_999}
