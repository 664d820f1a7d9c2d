from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from storefront import lazy_gettext as _l


class SettingsForm(FlaskForm):
    signature = StringField(
        _l("Signature"),
        description=_l("Shown as 【signature】 before every message; at most 12 characters."),
        validators=[DataRequired(), Length(max=12)],
    )
    kinds = StringField(
        _l("Notification kinds"),
        description=_l("Comma-separated, e.g. order, returns. Empty sends every kind."),
        validators=[
            Optional(),
            Regexp(r"^[a-z_, ]*$", message=_l("Use lowercase words and commas.")),
        ],
    )
    include_link = BooleanField(_l("Include the link"))
