"""The plugin matrix: every plugin against the whole shop and each category, and its settings.

Precedence lives in `scopes.py`; this module only shows its verdicts and writes the
merchant's own choices through `plugin_settings.py`, which audits and bumps the version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..inputs import page_number
from ..models import AuditLog, Category
from ..plugin_info import PluginInfo
from ..plugin_settings import set_config, set_enabled
from ..rendering import render_template
from ..scopes import PluginState, Scope
from ..tenancy import owner_required, tenant_select
from .blueprint import PER_PAGE, admin_bp
from .forms import KIND_LABELS, SwitchForm

REASON_LABELS = {
    "hidden": _l("hidden by the platform"),
    "category": _l("set for this category"),
    "shop": _l("set for the whole shop"),
    "platform": _l("platform default"),
    "default": _l("plugin default"),
    "kind": _l("not for this kind of category unless switched on here"),
    "failed": _l("failed to start: see the platform admin"),
    "replaced": _l("replaced by %(other)s"),
    "conflict": _l("conflict: %(other)s is used instead"),
}
OWN_LABELS = {None: _l("Inherit"), True: _l("On"), False: _l("Off")}


@dataclass
class Cell:
    """One plugin in one scope: on or off and why (the matrix page and the API show the same)."""

    scope: Scope
    state: PluginState
    has_errors: bool

    @property
    def category(self) -> Category | None:
        return self.scope.category

    @property
    def why(self) -> str:
        label = REASON_LABELS.get(self.state.reason, self.state.reason)
        return str(label) % {"other": self.state.replaced_by or ""}


def manager():
    return current_app.extensions["storefront"].plugins


def shop_categories() -> list[Category]:
    return list(
        db.session.scalars(tenant_select(Category).order_by(Category.position, Category.id))
    )


def visible_plugins(scope: Scope) -> list[PluginInfo]:
    """Installed plugins the platform lets merchants use."""
    return [info for info in manager().optional if scope.state.states[info.name].reason != "hidden"]


def find_category(slug: str | None) -> Category | None:
    if not slug:
        return None
    category = db.session.scalar(tenant_select(Category).where(Category.slug == slug))
    if category is None:
        abort(404)
    return category


def find_plugin(name: str) -> PluginInfo:
    if name not in manager().records or manager().info(name).internal:
        abort(404)
    if Scope(g.merchant).state.states[name].reason == "hidden":
        abort(404)
    return manager().info(name)


def matrix(categories: list[Category]) -> tuple[list[tuple[PluginInfo, list[Cell]]], list[str]]:
    """Every plugin the shop may use against the whole shop and each category, and conflicts."""
    scopes = [Scope(g.merchant, c) for c in [None, *categories]]
    rows = []
    for info in visible_plugins(scopes[0]):
        cells = [
            Cell(s, s.state.states[info.name], info.name in s.state.config_errors) for s in scopes
        ]
        rows.append((info, cells))
    problems = sorted({p for s in scopes for p in s.state.problems})
    return rows, problems


@admin_bp.route("/admin/<merchant>/plugins")
@owner_required
def plugin_matrix():
    categories = shop_categories()
    rows, problems = matrix(categories)
    return render_template(
        "admin/plugins.html",
        rows=rows,
        categories=categories,
        problems=problems,
        own_labels=OWN_LABELS,
        form=SwitchForm(),
    )


@admin_bp.route("/admin/<merchant>/plugins/switch", methods=["POST"])
@owner_required
def plugin_switch():
    form = SwitchForm()
    if not form.validate():
        flash(
            _("That change could not be saved: %(fields)s.", fields=", ".join(form.errors)), "error"
        )
        return redirect(url_for("admin.plugin_matrix"))
    info = find_plugin(form.plugin.data)
    category = find_category(form.category.data)
    enabled = {"inherit": None, "on": True, "off": False}[form.state.data]
    set_enabled(g.merchant, info.name, enabled, category=category, actor=current_user)
    db.session.commit()
    where = category.name if category else _("the whole shop")
    flash(
        _(
            "%(plugin)s: %(state)s for %(where)s.",
            plugin=info.title,
            state=OWN_LABELS[enabled],
            where=where,
        ),
        "success",
    )
    return redirect(url_for("admin.plugin_matrix"))


@dataclass
class Inherited:
    """What a setting would be here without this scope's own value, and where that comes from."""

    value: Any
    origin: str

    @property
    def shown(self) -> str:
        if isinstance(self.value, bool):
            return _("on") if self.value else _("off")
        return "—" if self.value in (None, "") else str(self.value)


def inherited_values(info: PluginInfo, scope: Scope) -> dict[str, Inherited]:
    """Per key: what this scope inherits, and whether the shop, the kind or the plugin set it."""
    values = scope.inherited_config(info.name)
    shop_keys = set(scope.shop.own_config(info.name)) if scope.category is not None else set()
    kind = scope.category.kind if scope.category is not None else None
    kind_keys = set(info.kind_settings.get(kind, {})) if kind else set()
    found = {}
    for key, value in values.items():
        if key in shop_keys:
            origin = _("set for the whole shop")
        elif key in kind_keys:
            origin = _("default for %(kind)s categories", kind=KIND_LABELS.get(kind, kind))
        else:
            origin = _("plugin default")
        found[key] = Inherited(value, origin)
    return found


def settings_form_for(info: PluginInfo, scope: Scope, **form_args: Any) -> tuple[Any, list[str]]:
    """The plugin's settings form as `scope` shows it, and the labels of the fields it leaves out.

    It starts from the scope's values; a category's form has no shop-wide-only fields.
    `form_args` go to the form (the API passes its own `formdata`).
    """
    form = info.settings_form(data=scope.settings(info.name), **form_args)
    shop_only = []
    for key in info.shop_wide_settings if scope.category is not None else ():
        shop_only.append(form[key].label.text)
        delattr(form, key)
    return form, shop_only


def own_values(form: Any, shown: dict[str, Any], ticked: set[str]) -> dict[str, Any]:
    """Exactly what the merchant set here: every field not left to inherit.

    A field whose "use the inherited value" box is ticked is not stored, unless its value
    was changed from the one the page showed (an edit wins over a ticked box); an unticked
    field is stored even when it equals the inherited value, so "15 days for the whole
    shop" means 15 everywhere.
    """
    own = {}
    for key in form._fields:
        if key == "csrf_token":
            continue
        value = form.data[key]
        if key not in ticked or value != shown.get(key):
            own[key] = value
    return own


@admin_bp.route("/admin/<merchant>/plugins/<name>/settings", methods=["GET", "POST"])
@owner_required
def plugin_settings(name: str):
    info = find_plugin(name)
    category = find_category(request.args.get("category"))
    scope = Scope(g.merchant, category)
    if info.settings_form is None:
        flash(_("%(plugin)s has no settings.", plugin=info.title), "info")
        return redirect(url_for("admin.plugin_matrix"))
    inherited = inherited_values(info, scope)
    if request.method == "POST" and request.form.get("action") == "reset":
        set_config(g.merchant, info.name, {}, category=category, actor=current_user)
        db.session.commit()
        flash(_("Settings reset: this scope inherits every value."), "success")
        return redirect(request.full_path)
    shown = scope.settings(info.name)
    form, shop_only = settings_form_for(info, scope)
    if form.validate_on_submit():
        own = own_values(form, shown, set(request.form.getlist("inherit")))
        set_config(g.merchant, info.name, own, category=category, actor=current_user)
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(request.full_path)
    return render_template(
        "admin/plugin_settings.html",
        info=info,
        form=form,
        category=category,
        categories=shop_categories(),
        overridden=set(scope.own_config(info.name)),
        inherited=inherited,
        shop_only=shop_only,
        errors=scope.state.config_errors.get(info.name, {}),
        state=scope.state.states[info.name],
    )


@admin_bp.route("/admin/<merchant>/audit")
@owner_required
def audit_log():
    entries = db.paginate(
        select(AuditLog)
        .where(AuditLog.merchant_id == g.merchant.id)
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc()),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("admin/audit.html", entries=entries)
