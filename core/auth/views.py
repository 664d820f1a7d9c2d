"""Signing in and out, and creating an account without telling who already has one."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import limiter, login_manager
from ..models import User
from ..redirects import redirect_next, safe_target
from ..rendering import render_template
from . import sessions, signup
from .forms import LoginForm, RegisterForm
from .passwords import authenticate

auth_bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_key: str) -> User | None:
    return sessions.load(session_key)


login_manager.login_view = "auth.login"
login_manager.login_message = None


def home() -> str:
    """Where a signed-in person lands: the shop they came from, their admin, or the list."""
    merchant = getattr(g, "merchant", None)
    if merchant is not None:
        return url_for("shop.home")
    if current_user.is_authenticated:
        if current_user.memberships:
            return url_for("admin.dashboard", merchant=current_user.memberships[0].merchant.slug)
        if current_user.is_platform_admin:
            return url_for("platform.index")
    return url_for("shop.directory")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _posted_email() -> str:
    return "email:" + (request.form.get("email") or "").strip().lower()[:255]


@auth_bp.route("/login", methods=["GET", "POST"])
@auth_bp.route("/shop/<merchant>/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Email or password is wrong."))
        else:
            sessions.start(user, remember=form.remember.data)
            return redirect_next(home())
    return render_template("auth/login.html", form=form)


@auth_bp.route("/register", methods=["GET", "POST"])
@auth_bp.route("/shop/<merchant>/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit("5 per hour", key_func=_posted_email, methods=["POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        signup.request_account(
            email=email,
            name=form.name.data.strip(),
            phone=form.phone.data or None,
            password=form.password.data,
            next_url=request.values.get("next"),
        )
        return render_template("auth/check_email.html", email=email)
    return render_template("auth/register.html", form=form)


@auth_bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@auth_bp.route("/shop/<merchant>/register/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def confirm(token: str):
    """GET shows a button, POST creates the account: mail scanners follow links, not forms."""
    pending = signup.find(token)
    if pending is None:
        return render_template("auth/confirm.html", pending=None), 404
    if request.method == "POST":  # CSRFProtect has checked the form's token
        user, next_url = signup.complete(pending)
        if user is None:
            flash(_("This email address already has an account. Please sign in."), "info")
            return redirect(url_for("auth.login"))
        sessions.start(user)
        flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
        return redirect(safe_target(next_url, home()))
    return render_template("auth/confirm.html", pending=pending)


@auth_bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sessions.end()
    flash(_("You are signed out."), "info")
    return redirect_next(url_for("auth.login"))
