"""Personal API tokens on the profile page, and an administrator's view of a user's tokens.

A new token's secret is shown once, on the page that made it, and is never stored: not in
the database (only its SHA-256), not in the session or a flashed message.
"""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from extensions import db
from web.errors import InputError
from web.forms import apply_input_errors

from . import audit, tokens
from .blueprint import bp
from .forms import OwnPasswordForm, ProfileForm, TokenForm
from .models import ApiToken, User
from .permissions import ALL_ROLES, get_or_404, roles


def _token_of(user, token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        abort(404)
    return token


def _make(user, form):
    """Make a token from the form; return its secret, or None with the form's errors set."""
    if not form.validate_on_submit():
        return None
    try:
        token, secret = tokens.create_token(user, form.name.data, form.read_only.data,
                                            by=current_user)
    except InputError as error:
        db.session.rollback()
        apply_input_errors(form, error.errors)
        return None
    audit.record("create", entity="api_token", entity_id=token.id,
                 detail=f"user {user.id}" + (" read-only" if token.read_only else ""))
    db.session.commit()
    return secret


@bp.route("/profile/tokens", methods=["POST"])
@roles(*ALL_ROLES)
def token_new():
    """Make a personal API token and show its secret this once."""
    form = TokenForm()
    secret = _make(current_user, form)
    return render_template("accounts/profile.html", form=ProfileForm(obj=current_user),
                           password_form=OwnPasswordForm(), token_form=form,
                           tokens=tokens.active_tokens(current_user), new_secret=secret), \
        200 if secret else 400


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@roles(*ALL_ROLES)
def token_revoke(token_id):
    """Revoke one of one's own API tokens."""
    token = _token_of(current_user, token_id)
    tokens.revoke_token(token)
    audit.record("revoke", entity="api_token", entity_id=token.id)
    db.session.commit()
    flash(_("The token is revoked: it no longer works."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/users/<int:user_id>/tokens", methods=["GET", "POST"])
@roles("admin")
def user_tokens(user_id):
    """List a user's API tokens; make one for them (its secret shown this once)."""
    user = get_or_404(User, user_id)
    form = TokenForm()
    secret = _make(user, form)
    return render_template("accounts/user_tokens.html", user=user, token_form=form,
                           tokens=tokens.active_tokens(user), new_secret=secret)


@bp.route("/users/<int:user_id>/tokens/<int:token_id>/revoke", methods=["POST"])
@roles("admin")
def user_token_revoke(user_id, token_id):
    """Revoke one of a user's API tokens."""
    user = get_or_404(User, user_id)
    token = _token_of(user, token_id)
    tokens.revoke_token(token)
    audit.record("revoke", entity="api_token", entity_id=token.id, detail=f"user {user.id}")
    db.session.commit()
    flash(_("The token is revoked: it no longer works."), "success")
    return redirect(url_for("accounts.user_tokens", user_id=user.id))
