"""A product section with settings: shows its merged configuration on the product page."""

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from storefront import Link, PluginInfo, hookimpl


class SectionSettings(FlaskForm):
    shown = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=50)])
    greeting = StringField(validators=[InputRequired(), Length(max=40)])


info = PluginInfo(
    name="core_sections",
    title="Test sections",
    version="1.0",
    settings_form=SectionSettings,
    default_settings={"shown": 5, "greeting": "hello"},
)


@hookimpl
def product_sections(product, scope):
    settings = scope.settings("core_sections")
    return Markup('<section class="core-sections">{} {} shown={}</section>').format(
        escape(settings["greeting"]), escape(product.name), settings["shown"]
    )


@hookimpl
def footer_links(scope):
    return [Link("/help", "Sections help")]
