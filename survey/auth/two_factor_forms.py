"""The two-factor forms: a code (from the app, or a recovery code), turning it on, and turning
it off; each carries the CSRF token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from survey.accounts.two_factor import MAX_CODE_LENGTH


def current_password() -> PasswordField:
    return PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Type your current password.")), Length(max=1024)],
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Type the code.")), Length(max=MAX_CODE_LENGTH)],
    )


class TurnOnForm(FlaskForm):
    """The current password: whoever holds only an open session cannot turn it on (and so
    lock the owner out)."""

    password = current_password()


class TurnOffForm(CodeForm):
    """The current password and a code: whoever holds only an open session cannot turn it off."""

    password = current_password()
