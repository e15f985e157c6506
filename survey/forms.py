"""What more than one blueprint's forms use: a page that shows a form, a confirmation button and
a number field."""

from __future__ import annotations

from flask import render_template
from flask_wtf import FlaskForm
from wtforms import Form, IntegerField
from wtforms.validators import StopValidation

from survey.params import MAX_DIGITS, parse_id


def form_page(template: str, form: Form, **context):
    """The page of ``form``: 422 when it was sent with mistakes, 200 when it is first shown."""
    status = 422 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


class ConfirmForm(FlaskForm):
    """A confirmation page's button: only the CSRF token."""


class OptionalNumberField(IntegerField):
    """A whole number in ASCII digits (``survey.params.parse_id``), or nothing (``None``).

    Anything else, or more than ``max_digits`` characters, gets ``message`` and nothing more:
    the validators do not run, so the field shows that one message. Give the validators the
    same message, so that a number out of range reads alike.
    """

    def __init__(
        self, label=None, validators=None, *, message: str, max_digits: int = MAX_DIGITS, **kwargs
    ):
        super().__init__(label, validators, **kwargs)
        self.message = message
        self.max_digits = max_digits

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        raw = valuelist[0] if valuelist else ""
        if not raw.strip():
            return
        number = parse_id(raw)
        if number is None or len(raw) > self.max_digits:
            raise ValueError(self.message)
        self.data = number

    def pre_validate(self, form: Form) -> None:
        if self.process_errors:
            raise StopValidation()
