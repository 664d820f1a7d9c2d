"""Forms of the merchant admin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

MONEY_PATTERN = r"^\d{1,7}(\.\d{1,2})?$"


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=[], validators=[DataRequired()])
    note = TextAreaField(_l("Note (kept in the order's history)"), validators=[Length(max=1000)])


class SwitchForm(FlaskForm):
    """One cell of the plugin matrix: inherit, on or off."""

    plugin = StringField(validators=[DataRequired(), Length(max=64)])
    category = StringField(validators=[Optional(), Length(max=64)])
    state = SelectField(
        choices=[("inherit", _l("Inherit")), ("on", _l("On")), ("off", _l("Off"))],
        validators=[DataRequired()],
    )


class ShopSettingsForm(FlaskForm):
    name = StringField(_l("Shop name"), validators=[DataRequired(), Length(max=120)])
    theme = SelectField(_l("Theme"), choices=[])
    locale = SelectField(_l("Default language"), choices=[])
    timezone = SelectField(_l("Time zone"), choices=[])
    contact_email = EmailField(
        _l("Contact email"), validators=[Optional(), Email(), Length(max=255)]
    )
    return_address = TextAreaField(_l("Return address"), validators=[Length(max=500)])


class StaffForm(FlaskForm):
    email = EmailField(_l("Email of an existing account"), validators=[DataRequired(), Email()])
    role = SelectField(
        _l("Role"), choices=[("agent", _l("Agent")), ("owner", _l("Owner"))], default="agent"
    )


class ProductForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Address name"),
        description=_l("Lower-case letters, digits and dashes; used in the product's URL."),
        validators=[
            DataRequired(),
            Length(max=120),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Use a-z, 0-9 and dashes only.")),
        ],
    )
    category = SelectField(_l("Category"), coerce=int, validators=[DataRequired()])
    price = StringField(
        _l("Price"),
        validators=[
            DataRequired(),
            Regexp(MONEY_PATTERN, message=_l("Enter a price like 199.00.")),
        ],
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    active = BooleanField(_l("On sale"), default=True)


class VariantForm(FlaskForm):
    """Posted next to the stock table; CSRFProtect checks the page's token."""

    class Meta:
        csrf = False

    size = StringField(_l("Size"), validators=[Optional(), Length(max=32)])
    colour = StringField(_l("Colour"), validators=[Optional(), Length(max=32)])
    sku = StringField(_l("SKU"), validators=[DataRequired(), Length(max=64)])
    stock = IntegerField(
        _l("Stock"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=1_000_000)],
    )


def price_to_minor(text: str) -> int:
    """'199.5' -> 19950, without floating point."""
    whole, _, cents = text.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


KIND_LABELS = {
    "bedding": _l("Bedding"),
    "shoes": _l("Shoes"),
    "apparel": _l("Apparel"),
    "other": _l("Other"),
}


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        _l("Address name"),
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Use a-z, 0-9 and dashes only.")),
        ],
    )
    kind = SelectField(
        _l("Kind"),
        description=_l(
            "Plugins use it for their defaults: size guides, return rules, review questions."
        ),
    )
    position = IntegerField(
        _l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=9999)]
    )
