"""Settings of the reviews plugin and the forms of its pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from storefront import lazy_gettext as _l

from .models import FOLLOW_UP_STATES

FOLLOW_UP_LABELS = {
    "open": _l("To follow up"),
    "contacted": _l("Shopper contacted"),
    "resolved": _l("Resolved"),
}


class ReviewSettings(FlaskForm):
    moderation = SelectField(
        _l("New reviews"),
        choices=[("publish", _l("Publish at once")), ("hold", _l("Hold for approval"))],
    )
    hold_low_stars = IntegerField(
        _l("Hold reviews with this many stars or fewer (0 = none)"),
        validators=[InputRequired(), NumberRange(min=0, max=5)],
    )
    banned_words = StringField(
        _l("Hold reviews containing these words (comma-separated)"),
        validators=[Optional(), Length(max=1000)],
    )
    alert_threshold = IntegerField(
        _l("Alert the staff at this many stars or fewer"),
        validators=[InputRequired(), NumberRange(min=1, max=5)],
    )
    invite_delay_days = IntegerField(
        _l("Invite to review this many days after the order completes"),
        validators=[InputRequired(), NumberRange(min=0, max=60)],
    )
    reminder_days = IntegerField(
        _l("Send one reminder this many days later (0 = never)"),
        validators=[InputRequired(), NumberRange(min=0, max=60)],
    )
    per_page = IntegerField(
        _l("Reviews per page"), validators=[InputRequired(), NumberRange(min=5, max=50)]
    )


class ReviewForm(FlaskForm):
    stars = RadioField(
        _l("Your rating"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        validators=[InputRequired(message=_l("Choose from 1 to 5 stars."))],
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    body = TextAreaField(_l("Your review"), validators=[Optional(), Length(max=5000)])


class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("Public reply"), validators=[Optional(), Length(max=3000)])
    note = TextAreaField(_l("Private note (staff only)"), validators=[Optional(), Length(max=3000)])
    follow_up = SelectField(
        _l("Follow-up"),
        choices=[("", "—")] + [(s, FOLLOW_UP_LABELS[s]) for s in FOLLOW_UP_STATES],
        validators=[Optional()],
    )
