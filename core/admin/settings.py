"""Owner-only pages: the shop's settings and its staff."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask import current_app, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..i18n import LANGUAGE_NAMES
from ..models import Membership, User
from ..plugin_settings import audit, bump_version
from ..rendering import render_template
from ..tenancy import owner_required, tenant_get
from ..theming import available_themes
from .blueprint import admin_bp
from .forms import ShopSettingsForm, StaffForm

SETTINGS_FIELDS = ("name", "theme", "locale", "timezone", "contact_email", "return_address")
COMMON_TIMEZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "UTC",
)


def timezone_choices() -> list[tuple[str, str]]:
    """The usual zones first, then every other zone the system knows."""
    rest = sorted(available_timezones() - set(COMMON_TIMEZONES))
    return [(z, z) for z in (*COMMON_TIMEZONES, *rest)]


@admin_bp.route("/admin/<merchant>/settings", methods=["GET", "POST"])
@owner_required
def shop_settings():
    merchant = g.merchant
    form = ShopSettingsForm(obj=merchant)
    form.theme.choices = [(t.name, t.title) for t in available_themes().values()]
    form.locale.choices = [
        (code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]
    ]
    form.timezone.choices = timezone_choices()
    if form.validate_on_submit():
        before = {f: getattr(merchant, f) for f in SETTINGS_FIELDS}
        form.contact_email.data = form.contact_email.data or None
        form.populate_obj(merchant)
        after = {f: getattr(merchant, f) for f in SETTINGS_FIELDS}
        changed = {k: v for k, v in after.items() if before[k] != v}
        if changed:
            audit(
                merchant,
                current_user,
                "shop.settings",
                merchant.slug,
                {k: before[k] for k in changed},
                changed,
            )
            bump_version(merchant)
        db.session.commit()
        flash(_("Shop settings saved."), "success")
        return redirect(url_for("admin.shop_settings"))
    return render_template("admin/settings.html", form=form)


@admin_bp.route("/admin/<merchant>/staff", methods=["GET", "POST"])
@owner_required
def staff():
    form = StaffForm()
    if form.validate_on_submit():
        user = db.session.scalar(
            select(User).where(func.lower(User.email) == form.email.data.lower())
        )
        if user is None:
            form.email.errors.append(_("No account uses this email; ask them to register first."))
        elif user.role_in(g.merchant.id) is not None:
            form.email.errors.append(_("%(email)s is already on the staff.", email=user.email))
        else:
            db.session.add(
                Membership(user_id=user.id, merchant_id=g.merchant.id, role=form.role.data)
            )
            audit(g.merchant, current_user, "staff.add", user.email, None, {"role": form.role.data})
            db.session.commit()
            flash(_("%(name)s joined the staff.", name=user.name), "success")
            return redirect(url_for("admin.staff"))
    members = db.session.scalars(
        select(Membership)
        .where(Membership.merchant_id == g.merchant.id)
        .join(User, User.id == Membership.user_id)
        .order_by(Membership.role.desc(), User.name)
    ).all()
    return render_template("admin/staff.html", form=form, members=members)


@admin_bp.route("/admin/<merchant>/staff/<int:membership_id>/remove", methods=["POST"])
@owner_required
def staff_remove(membership_id: int):
    membership = tenant_get(Membership, membership_id)
    owners = db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.merchant_id == g.merchant.id, Membership.role == "owner"
        )
    )
    if membership.role == "owner" and owners <= 1:
        flash(_("A shop needs at least one owner."), "error")
        return redirect(url_for("admin.staff"))
    email = membership.user.email
    audit(g.merchant, current_user, "staff.remove", email, {"role": membership.role}, None)
    db.session.delete(membership)
    db.session.commit()
    flash(_("%(email)s left the staff.", email=email), "success")
    return redirect(url_for("admin.staff"))
