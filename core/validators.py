"""Validators shared by core and plugin forms."""

from __future__ import annotations

import phonenumbers
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError


def normalise_phone(raw: str, region: str = "CN") -> str | None:
    """E.164 form of a phone number, or None when it is not a valid number.

    Numbers without a leading + are read as mainland China numbers by default.
    """
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PhoneNumber:
    """A valid phone number; the field's data becomes its E.164 form."""

    def __init__(self, region: str = "CN", message=None) -> None:
        self.region = region
        self.message = message

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        normalised = normalise_phone(field.data, self.region)
        if normalised is None:
            raise ValidationError(
                self.message
                or _l("Enter a valid mobile number, e.g. 138 0013 8000 or +44 7911 123456.")
            )
        field.data = normalised
