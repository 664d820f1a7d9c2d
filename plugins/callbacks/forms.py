"""Settings of the callbacks plugin and the forms of its pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from storefront import PhoneNumber
from storefront import lazy_gettext as _l

from .business_time import WEEKDAYS, parse_holidays, parse_span
from .models import OUTCOMES, TOPICS

TOPIC_LABELS = {
    "presale": _l("Question before buying"),
    "order": _l("My order"),
    "return": _l("A return"),
    "complaint": _l("A complaint"),
    "other": _l("Something else"),
}
STATE_LABELS = {
    "new": _l("New"),
    "assigned": _l("Assigned"),
    "waiting": _l("Waiting on shopper"),
    "called": _l("Called back"),
    "resolved": _l("Resolved"),
}
OUTCOME_LABELS = {
    "reached": _l("Reached"),
    "no_answer": _l("No answer"),
    "busy": _l("Line busy"),
    "wrong_number": _l("Wrong number"),
}
DAY_LABELS = dict(
    zip(
        WEEKDAYS,
        (
            _l("Monday"),
            _l("Tuesday"),
            _l("Wednesday"),
            _l("Thursday"),
            _l("Friday"),
            _l("Saturday"),
            _l("Sunday"),
        ),
        strict=True,
    )
)
WINDOWS = {
    "any": _l("Any time"),
    "morning": _l("Morning"),
    "afternoon": _l("Afternoon"),
    "evening": _l("Evening"),
}


def hours_field(day: str) -> StringField:
    def valid(form, field):
        try:
            parse_span(field.data or "")
        except ValueError:
            raise ValidationError(
                _l("Write opening hours like 09:00-18:00, or leave empty for closed.")
            ) from None

    return StringField(DAY_LABELS[day], validators=[Optional(), Length(max=20), valid])


def valid_holidays(form, field):
    try:
        parse_holidays(field.data or "")
    except ValueError:
        raise ValidationError(_l("Write dates like 2026-10-01, separated by commas.")) from None


class CallbackSettings(FlaskForm):
    hours_mon = hours_field("mon")
    hours_tue = hours_field("tue")
    hours_wed = hours_field("wed")
    hours_thu = hours_field("thu")
    hours_fri = hours_field("fri")
    hours_sat = hours_field("sat")
    hours_sun = hours_field("sun")
    holidays = StringField(
        _l("Holidays and closures"), validators=[Optional(), Length(max=2000), valid_holidays]
    )
    target_minutes = IntegerField(
        _l("First reply within (business minutes)"),
        validators=[InputRequired(), NumberRange(min=1, max=2880)],
    )
    complaint_target_minutes = IntegerField(
        _l("First reply to complaints within (business minutes)"),
        validators=[InputRequired(), NumberRange(min=1, max=2880)],
    )
    round_robin = BooleanField(_l("Assign new requests to agents in turn"))


class ContactForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    topic = SelectField(_l("Topic"), choices=[(t, TOPIC_LABELS[t]) for t in TOPICS])
    message = TextAreaField(_l("Message"), validators=[DataRequired(), Length(min=2, max=3000)])
    mode = RadioField(
        _l("How should we answer?"),
        choices=[("call", _l("Call me back")), ("reply", _l("Reply here"))],
        validators=[InputRequired(message=_l("Choose how we should answer."))],
    )
    phone = StringField(_l("Mobile phone"), validators=[Optional(), PhoneNumber()])
    window = SelectField(_l("Best time to call"), choices=list(WINDOWS.items()))


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Reply"), validators=[DataRequired(), Length(max=3000)])


class RatingForm(FlaskForm):
    rating = RadioField(
        _l("Were you helped?"),
        choices=[("satisfied", _l("Yes, satisfied")), ("unsatisfied", _l("No, not satisfied"))],
        validators=[InputRequired(message=_l("Choose one."))],
    )
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])


class AttemptForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=[(o, OUTCOME_LABELS[o]) for o in OUTCOMES])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])


class CannedForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=3000)])
