"""The FAQ's settings form and the forms of its shop and admin pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from storefront import lazy_gettext as _l

from .models import TOPICS

TOPIC_LABELS = {
    "material": _l("Material"),
    "care": _l("Care"),
    "sizing": _l("Sizing"),
    "shipping": _l("Shipping"),
    "returns": _l("Returns"),
    "payment": _l("Payment"),
}


class FaqSettings(FlaskForm):
    """Per shop or category; validated from stored values as well as from the admin."""

    on_product_page = BooleanField(_l("Show the FAQ on product pages"))
    allow_questions = BooleanField(_l("Let signed-in shoppers ask questions"))
    shown = IntegerField(
        _l("Answers shown on a product page"),
        validators=[InputRequired(), NumberRange(min=1, max=50)],
    )
    size_guide_link = BooleanField(_l("Link the size guide from the size picker"))


class EntryForm(FlaskForm):
    question = StringField(_l("Question"), validators=[DataRequired(), Length(max=300)])
    answer = TextAreaField(
        _l("Answer"),
        description=_l("Markdown: **bold**, *italic*, lists and links."),
        validators=[DataRequired(), Length(max=5000)],
    )
    topic = SelectField(_l("Topic"), choices=[(t, TOPIC_LABELS[t]) for t in TOPICS])
    scope = SelectField(
        _l("Where it shows"),
        choices=[
            ("shop", _l("Whole shop")),
            ("category", _l("One category")),
            ("product", _l("One product")),
        ],
    )
    category = SelectField(_l("Category"), coerce=int, validators=[Optional()])
    product = SelectField(_l("Product"), coerce=int, validators=[Optional()])
    position = IntegerField(
        _l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=9999)]
    )
    published = BooleanField(_l("Published"), default=True)


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Your question"), validators=[DataRequired(), Length(min=5, max=1000)])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=5000)])
    publish = BooleanField(_l("Also publish it as an FAQ entry for this product"))


class SizeGuideForm(FlaskForm):
    table = TextAreaField(
        _l("Table"),
        description=_l("One row per line, cells separated by “|”; the first line is the header."),
        validators=[DataRequired(), Length(max=20000)],
    )
    note = TextAreaField(_l("Note under the table"), validators=[Length(max=1000)])
