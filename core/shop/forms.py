from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..cart import MAX_QUANTITY
from ..validators import PhoneNumber


class AddToCartForm(FlaskForm):
    variant = SelectField(_l("Size / colour"), coerce=int, validators=[DataRequired()])
    quantity = IntegerField(
        _l("Quantity"), default=1, validators=[DataRequired(), NumberRange(min=1, max=MAX_QUANTITY)]
    )


class CartUpdateForm(FlaskForm):
    variant = HiddenField(validators=[DataRequired()])
    quantity = IntegerField(_l("Quantity"), validators=[NumberRange(min=0, max=MAX_QUANTITY)])


class CheckoutForm(FlaskForm):
    address_id = SelectField(_l("Saved address"), coerce=int, validators=[Optional()])
    recipient = StringField(_l("Recipient"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Mobile phone"), validators=[DataRequired(), PhoneNumber()])
    line1 = StringField(_l("Street address"), validators=[DataRequired(), Length(max=255)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=120)])
    province = StringField(_l("Province / state"), validators=[Optional(), Length(max=120)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=20)])
    note = TextAreaField(_l("Note for the shop"), validators=[Optional(), Length(max=500)])
    payment = RadioField(_l("Payment"), validators=[DataRequired()])
    #: one per checkout page: submitting the same page twice places one order
    checkout_token = HiddenField()


class AddressForm(FlaskForm):
    recipient = StringField(_l("Recipient"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Mobile phone"), validators=[DataRequired(), PhoneNumber()])
    line1 = StringField(_l("Street address"), validators=[DataRequired(), Length(max=255)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=120)])
    province = StringField(_l("Province / state"), validators=[Optional(), Length(max=120)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=20)])


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), PhoneNumber()])
    locale = SelectField(
        _l("Language"),
        choices=[("", _l("Shop default")), ("en", "English"), ("zh_CN", "简体中文")],
        validators=[Optional()],
    )
