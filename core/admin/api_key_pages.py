"""The owner's API keys page: the shop's keys, a new key shown once, revoking, CORS origins."""

from __future__ import annotations

from flask import flash, g, make_response, redirect, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..extensions import db
from ..models import ApiKey, Membership
from ..rendering import render_template
from ..tenancy import owner_required, tenant_get, tenant_select
from .api_keys import create_key, parse_origins, revoke_key, scope_choices, set_origins
from .blueprint import admin_bp

NEW_SECRET = "api_key_secret"


class ApiKeyForm(FlaskForm):
    name = StringField(
        _l("Key name"),
        description=_l("What the key is for, so you know it again, e.g. “ERP order sync”."),
        validators=[DataRequired(), Length(max=80)],
    )
    scopes = SelectMultipleField(
        _l("What it may do"),
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(message=_l("Tick at least one thing the key may do."))],
    )


def _origins(form: FlaskForm, field: TextAreaField) -> None:
    try:
        field.parsed = parse_origins(field.data or "")
    except ValueError as error:
        raise ValidationError(str(error)) from error


class ApiOriginsForm(FlaskForm):
    origins = TextAreaField(
        _l("Web origins allowed to call the API"),
        description=_l(
            "One a line, like https://shop.example. Pages on these sites may call the API "
            "from a browser; apps and mini-programs need no entry here."
        ),
        validators=[Length(max=6000), _origins],
    )


def key_form(posted: bool = False) -> ApiKeyForm:
    """The new-key form as posted, or blank."""
    form = ApiKeyForm(prefix="key") if posted else ApiKeyForm(prefix="key", formdata=None)
    form.scopes.choices = scope_choices()
    return form


def origins_form(posted: bool = False) -> ApiOriginsForm:
    """The origins form as posted, or (on every other request) filled with the saved list."""
    if posted:
        return ApiOriginsForm(prefix="cors")
    return ApiOriginsForm(
        prefix="cors", formdata=None, origins="\n".join(g.merchant.api_origins or [])
    )


def _page(form: ApiKeyForm, cors: ApiOriginsForm, created=None, secret=None):
    keys = db.session.scalars(
        tenant_select(ApiKey)
        .options(selectinload(ApiKey.created_by))
        .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc())
    ).all()
    staff = set(
        db.session.scalars(
            select(Membership.user_id).where(Membership.merchant_id == g.merchant.id)
        )
    )
    response = make_response(
        render_template(
            "admin/api_keys.html",
            keys=keys,
            staff=staff,
            form=form,
            cors=cors,
            labels=dict(scope_choices()),
            created=created,
            secret=secret,
        )
    )
    response.headers["Cache-Control"] = "no-store"  # a new key's secret is on the page once
    return response


@admin_bp.route("/admin/<merchant>/api-keys", methods=["GET", "POST"])
@owner_required
def api_keys():
    form = key_form(posted=True)
    if form.validate_on_submit():
        key, secret = create_key(g.merchant, current_user, form.name.data, form.scopes.data)
        # shown by the next page view and dropped from the session there: a reload neither
        # shows it again nor posts the form twice (making a second key)
        session[NEW_SECRET] = {"key": key.id, "secret": secret}
        return redirect(url_for("admin.api_keys"))
    created, secret = _new_secret()
    return _page(form, origins_form(), created, secret)


def _new_secret() -> tuple[ApiKey | None, str | None]:
    """The key created just before this page view, with its secret, once."""
    new = session.pop(NEW_SECRET, None)
    if not isinstance(new, dict):
        return None, None
    key = db.session.get(ApiKey, new.get("key") or 0)
    if key is None or key.merchant_id != g.merchant.id or key.revoked_at is not None:
        return None, None
    return key, new.get("secret")


@admin_bp.route("/admin/<merchant>/api-keys/<int:key_id>/revoke", methods=["POST"])
@owner_required
def api_keys_revoke(key_id: int):
    key = tenant_get(ApiKey, key_id)
    revoke_key(key, current_user)
    flash(_("The key %(name)s was revoked; it stops working at once.", name=key.name), "success")
    return redirect(url_for("admin.api_keys"))


@admin_bp.route("/admin/<merchant>/api-keys/origins", methods=["POST"])
@owner_required
def api_keys_origins():
    cors = origins_form(posted=True)
    if not cors.validate_on_submit():
        return _page(key_form(), cors)
    if set_origins(g.merchant, cors.origins.parsed, current_user):
        db.session.commit()
    flash(_("Allowed web origins saved."), "success")
    return redirect(url_for("admin.api_keys"))
