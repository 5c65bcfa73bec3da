"""Login, logout, the language switcher, one's own profile and the session clock."""
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from extensions import db
from i18n import current_language
from timeutil import utcnow
from web.addresses import safe_next

from . import audit, services
from .blueprint import bp
from .forms import LanguageForm, LoginForm, OwnPasswordForm, ProfileForm, TokenForm
from .permissions import ALL_ROLES, TOKEN_BLUEPRINTS, public, roles
from .tokens import active_tokens


def start_session(user):
    """Begin a fresh session for the user: nothing from before login survives but the language.

    A language picked on the login page (the switcher) wins over the saved one, becomes the
    user's choice and stays from login to logout; without a pick the saved one applies.
    """
    chosen = session.get("lang")
    session.clear()
    login_user(user)
    now = utcnow().timestamp()
    session["login_at"] = now
    session["last_seen"] = now
    if chosen in current_app.config["LANGUAGES"] and chosen != user.language:
        user.language = chosen
    session["lang"] = user.language


def _refuse_login(form, login_name, outcome, message, status):
    # A login that is nobody's may be a mistyped password: the log keeps only that it was unknown.
    known = services.find_user(login_name) is not None
    audit.record_now("login", entity="user", outcome=outcome, login=login_name if known else None,
                     detail=None if known else "unknown_login")
    flash(message, "danger")
    return render_template("accounts/login.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Show the login form and sign the user in."""
    form = LoginForm()
    if form.validate_on_submit():
        login_name = services.normal_login(form.login.data)[:60]
        ip, now = audit.client_ip(), utcnow()
        if services.address_blocked(ip, now) or services.login_locked_until(login_name, now):
            # Refused before the password is even checked: the right password does not help.
            services.record_attempt(login_name, ip, False, now)
            return _refuse_login(form, login_name, "locked", _(
                "Too many failed login attempts. Logging in is locked for 15 minutes; "
                "please try again later."), 429)
        user = services.authenticate(login_name, form.password.data)
        if user is None:
            services.record_attempt(login_name, ip, False, now)
            return _refuse_login(form, login_name, "failed", _("Wrong login or password."), 200)
        services.record_attempt(login_name, ip, True, now)
        start_session(user)
        user.last_login_at = now
        audit.record("login", entity="user", entity_id=user.id, user=user)
        db.session.commit()
        return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@roles(*ALL_ROLES)
def logout():
    """End every session of the user and sign out."""
    services.end_all_sessions(current_user)
    audit.record("logout", entity="user", entity_id=current_user.id)
    db.session.commit()
    language = current_language()
    logout_user()
    session.clear()
    # The login page after logout reads as the pages before it, without counting as a choice.
    session["lang_shown"] = language
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


def _render_profile(form, password_form, status=200):
    return render_template("accounts/profile.html", form=form, password_form=password_form,
                           token_form=TokenForm(formdata=None),
                           tokens=active_tokens(current_user)), status


@bp.route("/profile", methods=["GET", "POST"])
@roles(*ALL_ROLES)
def profile():
    """Show one's own account and change one's name and language."""
    # Only name and language are read: role, scope or status posted here are ignored.
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.full_name = form.full_name.data or ""
        current_user.language = form.language.data
        session["lang"] = form.language.data
        audit.record("update", entity="user", entity_id=current_user.id, detail="profile")
        db.session.commit()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return _render_profile(form, OwnPasswordForm())


@bp.route("/profile/password", methods=["POST"])
@roles(*ALL_ROLES)
def change_password():
    """Change one's own password; every other session of the user ends."""
    form = OwnPasswordForm()
    if not form.validate_on_submit():
        return _render_profile(ProfileForm(obj=current_user), form, 400)
    user, ip, now = current_user._get_current_object(), audit.client_ip(), utcnow()
    # The current-password field must not become an unthrottled guessing oracle.
    if services.login_locked_until(user.login, now) or services.address_blocked(ip, now):
        form.current_password.errors.append(_(
            "Too many failed attempts. Please try again in 15 minutes."))
        return _render_profile(ProfileForm(obj=user), form, 429)
    if not services.check_password(user, form.current_password.data):
        services.record_attempt(user.login, ip, False, now)
        audit.record_now("update", entity="user", entity_id=user.id, outcome="failed",
                         detail="password")
        form.current_password.errors.append(_("The current password is wrong."))
        return _render_profile(ProfileForm(obj=user), form, 400)
    try:
        services.set_password(user, form.new_password.data)
    except services.PasswordRejected as rejected:
        form.new_password.errors.extend(rejected.problems)
        return _render_profile(ProfileForm(obj=user), form, 400)
    audit.record("update", entity="user", entity_id=user.id, detail="password")
    db.session.commit()
    start_session(user)  # this browser stays signed in; every other session has ended
    flash(_("Your password has been changed. Other sessions have been signed out."), "success")
    return redirect(url_for("accounts.profile"))


def idle_check():
    """End sessions idle for too long or older than the absolute limit."""
    if request.blueprint in TOKEN_BLUEPRINTS:
        return None  # the API knows its callers by token: it neither reads nor keeps a session
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
        if request.method == "GET":
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return redirect(url_for("accounts.login"))
    session["last_seen"] = now
    return None
