"""The forms that set, reset and change a password; each carries the CSRF token.

The password rule itself (``survey.accounts.passwords.password_problem``) needs the account's
e-mail, so the views apply it after these forms validated.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

MAX_FIELD = 1024 + 1  # one more than the rule allows, so that the rule's message shows


class SetPasswordForm(FlaskForm):
    """A new password, typed twice: for an invitation or a reset link."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Choose a password.")), Length(max=MAX_FIELD)],
    )
    repeat = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Type the password a second time.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class ChangePasswordForm(SetPasswordForm):
    """The current password, then a new one typed twice."""

    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Type your current password.")), Length(max=MAX_FIELD)],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(_l("Type your e-mail address.")), Length(max=254)]
    )
