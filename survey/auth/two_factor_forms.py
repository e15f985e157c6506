"""The two-factor forms: a code (from the app, or a recovery code), and turning it off; each
carries the CSRF token."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from survey.accounts.two_factor import MAX_CODE_LENGTH


class CodeForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[DataRequired("Type the code."), Length(max=MAX_CODE_LENGTH)],
    )


class TurnOffForm(CodeForm):
    """The current password and a code: whoever holds only an open session cannot turn it off."""

    password = PasswordField(
        "Current password",
        validators=[DataRequired("Type your current password."), Length(max=1024)],
    )
