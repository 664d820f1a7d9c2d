"""Shoe size advisor: replaces the FAQ plugin where it is on (meant for shoe categories)."""

from flask import Blueprint, request
from markupsafe import Markup

from storefront import PluginInfo, hookimpl, render_template
from storefront import lazy_gettext as _l

from .advice import FootLengthError, advise, parse_foot_length
from .forms import SettingsForm

info = PluginInfo(
    name="size_advisor",
    title=_l("Shoe size advisor"),
    description=_l("Finds the right shoe size from the length of the foot."),
    version="1.0.0",
    default_enabled=False,
    replaces="faq",
    category_kinds=("shoes",),
    settings_form=SettingsForm,
    default_settings={"extra_room_mm": 12, "show_in_picker": True},
)


@hookimpl
def init_app(app):
    """A blueprint without routes, so Flask finds this package's templates; and the API."""
    from .api import api_bp

    app.register_blueprint(Blueprint("size_advisor", __name__, template_folder="templates"))
    app.register_blueprint(api_bp)


@hookimpl
def product_sections(product, scope):
    settings = scope.settings("size_advisor")
    raw = request.args.get("foot_mm", "")
    advice, error = None, None
    if raw:
        try:
            advice = advise(parse_foot_length(raw), settings["extra_room_mm"], product.variants)
        except FootLengthError as exc:
            error = str(exc)
    return Markup(
        render_template(
            "size_advisor/section.html", product=product, advice=advice, error=error, foot_mm=raw
        )
    )


@hookimpl
def variant_picker_links(product, scope):
    if not scope.settings("size_advisor")["show_in_picker"]:
        return None
    return Markup(render_template("size_advisor/picker_link.html"))
