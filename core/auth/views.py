from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from ..extensions import db, limiter, login_manager
from ..models import User
from ..rendering import render_template
from .forms import LoginForm, RegisterForm

auth_bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None


login_manager.login_view = "auth.login"
login_manager.login_message = None


def _safe_next(default: str) -> str:
    target = request.values.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _home() -> str:
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


@auth_bp.route("/login", methods=["GET", "POST"])
@auth_bp.route("/shop/<merchant>/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None or not user.check_password(form.password.data):
            form.password.errors.append(_("Email or password is wrong."))
        else:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(_home()))
    return render_template("auth/login.html", form=form)


@auth_bp.route("/register", methods=["GET", "POST"])
@auth_bp.route("/shop/<merchant>/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
            form.email.errors.append(_("An account with this email exists. Please sign in."))
        else:
            user = User(email=email, name=form.name.data.strip(), phone=form.phone.data or None)
            user.set_password(form.password.data)
            db.session.add(user)
            db.session.commit()
            login_user(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
            return redirect(_safe_next(_home()))
    return render_template("auth/register.html", form=form)


@auth_bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(_safe_next(url_for("auth.login")))
