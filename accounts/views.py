"""Login, logout and the language switcher."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from extensions import db
from timeutil import utcnow

from . import audit, services
from .forms import LanguageForm, LoginForm
from .permissions import public, roles

bp = Blueprint("accounts", __name__)


def safe_next(target):
    """Return ``target`` if it is a path on this site, else the home page."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return url_for("home.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Show the login form and sign the user in."""
    form = LoginForm()
    if form.validate_on_submit():
        user = services.find_user(form.login.data)
        if user is None or not user.is_enabled or not services.check_password(user, form.password.data):
            audit.record_now("login", entity="user", outcome="failed", login=form.login.data[:60])
            flash(_("Wrong login or password."), "danger")
            return render_template("accounts/login.html", form=form), 200
        chosen_language = session.get("lang")  # picked on the login page, if at all
        session.clear()  # a fresh session at every login
        login_user(user)
        session["login_at"] = utcnow().timestamp()
        if chosen_language in current_app.config["LANGUAGES"]:
            user.language = chosen_language
        session["lang"] = user.language
        user.last_login_at = utcnow()
        audit.record("login", entity="user", entity_id=user.id, user=user)
        db.session.commit()
        return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@roles("admin", "analyst", "inspector", "owner")
def logout():
    """End every session of the user and sign out."""
    services.end_all_sessions(current_user)
    audit.record("logout", entity="user", entity_id=current_user.id)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("accounts.login"))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Remember the chosen interface language for the session and the user."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.language = form.lang.data
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))


def idle_check():
    """End sessions idle for too long or older than the absolute limit."""
    if not current_user.is_authenticated:
        return None
    now = utcnow().timestamp()
    idle = current_app.config["IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    last = session.get("last_seen", now)
    started = session.get("login_at", now)
    if now - last > idle or now - started > absolute:
        logout_user()
        session.clear()
        flash(_("Your session has expired. Please log in again."), "warning")
        return redirect(url_for("accounts.login"))
    session["last_seen"] = now
    return None
