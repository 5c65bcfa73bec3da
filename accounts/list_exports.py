"""The columns of the users list when exported (tabular.export)."""
from flask_babel import lazy_gettext as _l

from reference.codes import ROLES
from tabular.columns import coded

USERS = [(_l("Login"), "login", "text"),
         (_l("Full name"), "full_name", "text"),
         (_l("Role"), coded("role", ROLES), "text"),
         (_l("Language"), "language", "text"),
         (_l("Active"), "is_enabled", "bool")]
