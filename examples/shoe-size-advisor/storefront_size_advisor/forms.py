from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField
from wtforms.validators import DataRequired, NumberRange

from storefront import lazy_gettext as _l


class SettingsForm(FlaskForm):
    extra_room_mm = IntegerField(
        _l("Room for the toes (mm)"),
        description=_l("Added to the foot length before converting; 10–15 mm suits most shoes."),
        validators=[DataRequired(), NumberRange(min=1, max=20)],
    )
    show_in_picker = BooleanField(_l("Show a “Find my size” link by the size buttons"))
