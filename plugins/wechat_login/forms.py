"""The WeChat login settings a merchant fills in: their mini-program's app id and secret."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from storefront import lazy_gettext as _l


class WechatLoginSettings(FlaskForm):
    """Shop-wide: one mini-program signs shoppers in to the whole shop."""

    app_id = StringField(
        _l("Mini-program AppID"),
        description=_l(
            "WeChat admin console: Development > Development management > Development settings."
        ),
        validators=[
            Optional(),
            Regexp(
                r"^wx[0-9A-Za-z]{16}$",
                message=_l("An AppID is wx followed by 16 letters or digits."),
            ),
        ],
    )
    app_secret = StringField(
        _l("Mini-program AppSecret"),
        description=_l("Kept out of the audit log. Reset it in WeChat if it was ever shared."),
        validators=[
            Optional(),
            Length(min=16, max=64),
            Regexp(r"^[0-9A-Za-z]+$", message=_l("An AppSecret has only letters and digits.")),
        ],
    )
    timeout = IntegerField(
        _l("Seconds to wait for WeChat"),
        validators=[InputRequired(), NumberRange(min=1, max=15)],
    )
