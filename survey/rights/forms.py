"""Forms of the data-rights pages; the two that change data carry the CSRF token."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, Form, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, ValidationError

from survey.forms import OptionalNumberField
from survey.params import parse_id
from survey.rights.audit_log import AuditFilter

MAX_RETENTION_DAYS = 3650  # ten years


class DeletePersonForm(FlaskForm):
    delete_responses = BooleanField(_l("Also delete their answers"))


DAYS_MESSAGE = _l(
    "Give a whole number of days from 1 to %(max)s, or leave it empty to keep identities until "
    "someone deletes them.",
    max=MAX_RETENTION_DAYS,
)


class RetentionForm(FlaskForm):
    retention_days = OptionalNumberField(
        _l("Days to keep identities after a person's last wave closes"),
        validators=[Optional(), NumberRange(min=1, max=MAX_RETENTION_DAYS, message=DAYS_MESSAGE)],
        message=DAYS_MESSAGE,
    )


class AuditFilterForm(Form):
    """The audit log's filter; sent with GET, so it changes nothing and needs no CSRF token."""

    action = SelectField(_l("Action"), default="", choices=[SelectChoice("", _l("All actions"))])
    organisation = SelectField(
        _l("Organisation"), default="", choices=[SelectChoice("", _l("All organisations"))]
    )
    since = DateField(_l("From (UTC)"), validators=[Optional()])
    until = DateField(_l("To (UTC)"), validators=[Optional()])

    def offer(self, actions: list[str], organisations: dict[int, str]) -> AuditFilterForm:
        """Fill the choices with what occurs in the user's scope."""
        self.action.choices = [SelectChoice("", _("All actions"))] + [
            SelectChoice(action) for action in actions
        ]
        self.organisation.choices = [SelectChoice("", _("All organisations"))] + [
            SelectChoice(str(i), name)
            for i, name in sorted(organisations.items(), key=lambda item: item[1])
        ]
        return self

    def validate_until(self, field: DateField) -> None:
        if field.data and self.since.data and self.since.data > field.data:
            raise ValidationError(_("The last day must not come before the first day."))

    def wanted(self) -> AuditFilter:
        """The filter, once ``validate()`` has passed."""
        return AuditFilter(
            action=self.action.data or None,
            organisation_id=parse_id(self.organisation.data),
            since=self.since.data,
            until=self.until.data,
        )
