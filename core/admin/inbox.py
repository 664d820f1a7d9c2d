"""The staff member's own inbox: alerts plugins send to the shop's staff."""

from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, update

from ..extensions import db
from ..inputs import page_number
from ..models import Notification, utcnow
from ..rendering import render_template
from .blueprint import PER_PAGE, admin_bp


def _mine():
    return (Notification.user_id == current_user.id, Notification.merchant_id == g.merchant.id)


@admin_bp.route("/admin/<merchant>/inbox")
def inbox():
    messages = db.paginate(
        select(Notification)
        .where(*_mine())
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("admin/inbox.html", messages=messages)


@admin_bp.route("/admin/<merchant>/inbox/read", methods=["POST"])
def inbox_read():
    db.session.execute(
        update(Notification)
        .where(*_mine(), Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    flash(_("Everything is marked as read."), "success")
    return redirect(url_for("admin.inbox"))
