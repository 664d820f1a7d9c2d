"""The plugin matrix through an API key: read it, switch a plugin per scope, change settings.

It is the admin's matrix (`storefront.admin.plugins`) as JSON: the same verdicts and
reasons, the same settings form judging the values, the same audited writes through
`storefront.plugin_settings`, under the key's creator. Like the admin's page it is the
owner's: a key whose creator is no longer an owner of the shop may not use it.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Literal

from flask import g
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from wtforms import BooleanField, SelectMultipleField

from ..admin.plugins import (
    Cell,
    find_category,
    find_plugin,
    matrix,
    settings_form_for,
    shop_categories,
)
from ..extensions import db
from ..models import Category
from ..plugin_info import PluginInfo
from ..plugin_settings import SET, is_secret, set_config, set_enabled
from ..scopes import REASONS, Scope, as_formdata
from .auth import key_required
from .errors import ApiError, ErrorBody
from .root import api_bp
from .spec import answers, api_spec

PLUGINS = "/shops/<merchant>/admin/plugins"
MERCHANT = {"merchant": []}
Reason = Literal[REASONS]  # type: ignore[valid-type]
SCALARS = (str, int, float)


class MatrixCell(BaseModel):
    category: str | None = Field(description="A category's slug; null for the whole shop")
    enabled: bool
    own: bool | None = Field(description="This scope's own switch; null when it inherits")
    reason: Reason = Field(description="Why it is on or off here")
    why: str = Field(description="The reason in words, as the admin shows it")
    replaced_by: str | None
    settings: dict[str, Any] = Field(
        description="The settings in effect here; a secret shows only whether it is set"
    )
    overridden: list[str] = Field(description="Settings this scope sets itself")
    invalid_settings: dict[str, list[str]] = Field(
        description="Saved values that are no longer valid; the inherited value is used"
    )


class MatrixPlugin(BaseModel):
    name: str
    title: str
    description: str
    version: str
    replaces: str | None
    has_settings: bool
    shop_wide_settings: list[str] = Field(description="Settings only the whole shop may set")
    scopes: list[MatrixCell] = Field(description="The whole shop first, then each category")


class PluginMatrix(BaseModel):
    items: list[MatrixPlugin]
    problems: list[str] = Field(description="Conflicts between plugins, in words")


class PluginSwitch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: str | None = Field(None, max_length=64, description="null for the whole shop")
    enabled: StrictBool | None = Field(description="true, false, or null to inherit")


class PluginSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: str | None = Field(None, max_length=64, description="null for the whole shop")
    settings: dict[str, Any] = Field(
        description="Every value this scope sets itself; any setting left out is inherited. "
        f"A secret sent back as {SET!r} keeps its value."
    )


def owner_key(view):
    """The matrix is the owner's, as in the admin: an agent's key is refused."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.role_in(g.merchant.id) != "owner":
            raise ApiError(
                403,
                _("Only the key of a shop owner may change or read the plugins."),
                code="owner_required",
            )
        return view(*args, **kwargs)

    return wrapper


def shown_settings(name: str, values: dict[str, Any]) -> dict[str, Any]:
    """Settings as the API shows them: a secret is only said to be set (or empty)."""
    return {k: (SET if v else "") if is_secret(name, k) else v for k, v in values.items()}


def cell_out(info: PluginInfo, cell: Cell) -> MatrixCell:
    scope = cell.scope
    return MatrixCell(
        category=cell.category.slug if cell.category else None,
        enabled=cell.state.enabled,
        own=cell.state.own,
        reason=cell.state.reason,
        why=cell.why,
        replaced_by=cell.state.replaced_by,
        settings=shown_settings(info.name, scope.settings(info.name)),
        overridden=sorted(scope.own_config(info.name)),
        invalid_settings=scope.state.config_errors.get(info.name, {}),
    )


def plugin_out(info: PluginInfo, cells: list[Cell]) -> MatrixPlugin:
    return MatrixPlugin(
        name=info.name,
        title=info.label,
        description=str(info.description or ""),
        version=info.version,
        replaces=info.replaces,
        has_settings=info.settings_form is not None,
        shop_wide_settings=list(info.shop_wide_settings),
        scopes=[cell_out(info, c) for c in cells],
    )


def plugin_row(name: str) -> MatrixPlugin:
    rows, _problems = matrix(shop_categories())
    info, cells = next((info, cells) for info, cells in rows if info.name == name)
    return plugin_out(info, cells)


def scope_category(slug: str | None) -> Category | None:
    try:
        return find_category(slug)
    except NotFound as missing:
        raise ApiError(404, _("This shop has no such category."), "category") from missing


def _posted(form_field: Any, value: Any, where: str) -> list[str]:
    """A JSON value as a browser would post it for this field, or a 400 naming it."""
    if isinstance(form_field, BooleanField):
        if not isinstance(value, bool):
            raise ApiError(400, _("Enter true or false."), where, code="invalid")
        return ["y"] if value else []
    if isinstance(form_field, SelectMultipleField):
        if not isinstance(value, list) or not all(
            isinstance(v, SCALARS) and not isinstance(v, bool) for v in value
        ):
            raise ApiError(400, _("Enter a list of the allowed values."), where, code="invalid")
        return [str(v) for v in value]
    if value is None:
        return [""]
    if isinstance(value, bool) or not isinstance(value, SCALARS):
        raise ApiError(400, _("This value is not valid."), where, code="invalid")
    return [str(value)]


def checked_settings(info: PluginInfo, scope: Scope, given: dict[str, Any]) -> dict[str, Any]:
    """`given` judged by the plugin's settings form as the admin's page judges it: a 400 on
    the first bad value, naming it (`settings.<key>`); else the values to store, coerced.
    """
    if info.settings_form is None:
        raise ApiError(400, _("%(plugin)s has no settings.", plugin=info.label), "settings")
    shown = scope.settings(info.name)
    form, _shop_only = settings_form_for(info, scope, formdata=None, meta={"csrf": False})
    posted = MultiDict(as_formdata(form))
    for key, value in given.items():
        where = f"settings.{key}"
        if key in info.shop_wide_settings and scope.category is not None:
            raise ApiError(400, _("This is set for the whole shop only."), where, code="invalid")
        if key not in form._fields:
            raise ApiError(400, _("This field is not known."), where, code="invalid")
        if is_secret(info.name, key) and value == SET:
            value = shown.get(key)  # sent back as shown: keep the stored secret
        posted.setlist(key, _posted(form[key], value, where))
    form, _shop_only = settings_form_for(info, scope, formdata=posted, meta={"csrf": False})
    if not form.validate():
        key, problems = next(iter(form.errors.items()))
        raise ApiError(400, str(problems[0]), f"settings.{key}", code="invalid")
    return {key: form.data[key] for key in given}


@api_bp.get(PLUGINS)
@key_required("plugins:read")
@owner_key
@api_spec.validate(
    resp=answers(HTTP_200=PluginMatrix, HTTP_401=ErrorBody, HTTP_403=ErrorBody),
    tags=["merchant"],
    security=MERCHANT,
)
def merchant_plugins():
    """Every plugin this shop may use, for the whole shop and each category: on or off, why,
    and the settings in effect."""
    rows, problems = matrix(shop_categories())
    return PluginMatrix(items=[plugin_out(i, cells) for i, cells in rows], problems=problems)


@api_bp.get(f"{PLUGINS}/<name>")
@key_required("plugins:read")
@owner_key
@api_spec.validate(
    resp=answers(HTTP_200=MatrixPlugin, HTTP_401=ErrorBody, HTTP_403=ErrorBody),
    tags=["merchant"],
    security=MERCHANT,
)
def merchant_plugin(name: str):
    """One plugin's row of the matrix."""
    return plugin_row(find_plugin(name).name)


@api_bp.put(f"{PLUGINS}/<name>")
@key_required("plugins:write")
@owner_key
@api_spec.validate(
    json=PluginSwitch,
    resp=answers(HTTP_200=MatrixPlugin, HTTP_401=ErrorBody, HTTP_403=ErrorBody),
    tags=["merchant"],
    security=MERCHANT,
)
def merchant_plugin_switch(name: str, json: PluginSwitch):
    """Switch the plugin on or off for the whole shop or one category, or let it inherit."""
    info = find_plugin(name)
    category = scope_category(json.category)
    set_enabled(g.merchant, info.name, json.enabled, category=category, actor=current_user)
    db.session.commit()
    return plugin_row(info.name)


@api_bp.put(f"{PLUGINS}/<name>/settings")
@key_required("plugins:write")
@owner_key
@api_spec.validate(
    json=PluginSettingsIn,
    resp=answers(HTTP_200=MatrixPlugin, HTTP_401=ErrorBody, HTTP_403=ErrorBody),
    tags=["merchant"],
    security=MERCHANT,
)
def merchant_plugin_settings(name: str, json: PluginSettingsIn):
    """Replace what one scope sets itself; `{}` makes it inherit every value again."""
    info = find_plugin(name)
    category = scope_category(json.category)
    own = checked_settings(info, Scope(g.merchant, category), json.settings)
    set_config(g.merchant, info.name, own, category=category, actor=current_user)
    db.session.commit()
    return plugin_row(info.name)
