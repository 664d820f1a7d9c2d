"""Settings of the returns plugin and the forms of its pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from storefront import lazy_gettext as _l

from .policy import REASONS


class ReturnSettings(FlaskForm):
    """The policy's numbers; defaults per category kind live in the plugin's PluginInfo."""

    return_days = IntegerField(
        _l("Return window (days from delivery)"),
        validators=[InputRequired(), NumberRange(min=0, max=365)],
    )
    exchange_days = IntegerField(
        _l("Exchange window (days from delivery)"),
        validators=[InputRequired(), NumberRange(min=0, max=365)],
    )
    hygiene_rule = BooleanField(_l("Opened items cannot be returned for “changed my mind”"))
    free_size_exchange = BooleanField(_l("Size exchanges are free when the size is in stock"))
    auto_approve_size_exchange = BooleanField(
        _l("Approve size exchanges within the window at once")
    )


class RequestForm(FlaskForm):
    reason = RadioField(
        _l("Why are you sending it back?"),
        choices=list(REASONS.items()),
        validators=[InputRequired(message=_l("Choose a reason."))],
    )
    description = TextAreaField(_l("Tell us more"), validators=[Optional(), Length(max=2000)])
    kind = RadioField(
        _l("What would you like?"),
        choices=[("refund", _l("My money back")), ("exchange", _l("Another size or colour"))],
        validators=[InputRequired(message=_l("Choose a refund or an exchange."))],
    )
    opened = BooleanField(_l("I have opened or used it"))


class ShipBackForm(FlaskForm):
    carrier = StringField(_l("Carrier"), validators=[DataRequired(), Length(max=64)])
    tracking = StringField(_l("Tracking number"), validators=[DataRequired(), Length(max=64)])


class DecisionForm(FlaskForm):
    note = TextAreaField(_l("Note to the shopper"), validators=[Optional(), Length(max=1000)])
    refund = StringField(_l("Refund amount"), validators=[Optional(), Length(max=12)])
