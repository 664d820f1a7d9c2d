"""On by default for bedding categories only, with a setting that differs per kind."""

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from storefront import PluginInfo, hookimpl


class WindowSettings(FlaskForm):
    days = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=365)])


info = PluginInfo(
    name="core_bedding_only",
    title="Bedding helper",
    version="1.0",
    category_kinds=("bedding",),
    settings_form=WindowSettings,
    default_settings={"days": 15},
    kind_settings={"bedding": {"days": 30}},
)


@hookimpl
def product_sections(product, scope):
    days = scope.settings("core_bedding_only")["days"]
    return Markup('<section class="core-bedding">days={}</section>').format(days)
