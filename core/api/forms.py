"""The pages' WTForms rules for JSON bodies: one set of rules for a field, wherever it is sent.

A form validates the values as if they had been posted (so `Optional`, `DataRequired` and
`PhoneNumber` behave exactly as on the page); its first error becomes the API's 400,
naming the field, with the form's own message in the caller's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from werkzeug.datastructures import MultiDict
from wtforms import Form

from .errors import ApiError

F = TypeVar("F", bound=Form)


def check_form(form_class: type[F], values: Mapping[str, Any], field_prefix: str = "") -> F:
    """`form_class` filled with `values` (None = not sent) and validated, or a 400.

    `field_prefix` names where the values sit in the body ("address." for a nested object).
    """
    posted = MultiDict({k: v for k, v in values.items() if v is not None})
    form = form_class(formdata=posted, meta={"csrf": False})
    if form.validate():
        return form
    name, problems = next(iter(form.errors.items()))
    raise ApiError(400, str(problems[0]), f"{field_prefix}{name}", code="invalid")
