"""The shopper's sign-in security: change the password, see and end sign-ins.

Changing the password ends every other sign-in (whoever knew the old one is out); "sign
out everywhere" ends this one too.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..auth import sessions
from ..auth.devices import describe
from ..auth.forms import PasswordChangeForm
from ..extensions import db, limiter
from ..rendering import render_template
from .blueprint import shop_bp


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@shop_bp.route("/shop/<merchant>/account/security", methods=["GET", "POST"])
@login_required
@limiter.limit(_limit, methods=["POST"])
def security():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("This is not your current password."))
        else:
            current_user.set_password(form.password.data)
            db.session.commit()
            ended = sessions.end_all(current_user, keep_current=True)
            flash(
                _("Your password is changed.")
                + (" " + _("You were signed out on your other devices.") if ended else ""),
                "success",
            )
            return redirect(url_for("shop.security"))
    sign_ins = [
        (describe(s.user_agent), s.created_at, sessions.is_current(s))
        for s in sessions.active(current_user)
    ]
    status = 400 if form.errors else 200
    return render_template("shop/security.html", form=form, sign_ins=sign_ins), status


@shop_bp.route("/shop/<merchant>/account/security/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    sessions.end_all(current_user)
    logout_user()
    flash(_("You are signed out on every device, this one included."), "info")
    return redirect(url_for("auth.login"))
