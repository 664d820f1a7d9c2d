"""Settings and admin forms of the tracking plugin."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from storefront import WithinStoredTimes
from storefront import lazy_gettext as _l

from .carriers import STATUS_LABELS, STATUSES


class TrackingSettings(FlaskForm):
    webhook_secret = StringField(
        _l("Webhook secret"),
        description=_l("Shared with your tracking aggregator to sign its calls (16+ characters)."),
        validators=[Optional(), Length(min=16, max=128)],
    )
    complete_on_delivery = BooleanField(_l("Complete the order when every parcel is delivered"))
    stalled_hours = IntegerField(
        _l("Flag a parcel as delayed after this many hours without news"),
        validators=[InputRequired(), NumberRange(min=1, max=720)],
    )


class ShipmentForm(FlaskForm):
    carrier = SelectField(_l("Carrier"), validators=[DataRequired()])
    tracking_number = StringField(
        _l("Tracking number"), validators=[DataRequired(), Length(max=64)]
    )


class EventForm(FlaskForm):
    status = SelectField(
        _l("Status"), choices=[(s, STATUS_LABELS[s]) for s in STATUSES if s != "pending"]
    )
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
    message = StringField(_l("Message"), validators=[Optional(), Length(max=500)])
    occurred_at = DateTimeLocalField(
        _l("When (UTC)"), format="%Y-%m-%dT%H:%M", validators=[Optional(), WithinStoredTimes()]
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        description=_l("Columns: order number, carrier code, tracking number."),
        validators=[FileRequired()],
    )
