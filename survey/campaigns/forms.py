"""Forms of the assessment pages; each carries the CSRF token.

Choices that depend on the database or the installed questionnaires (teams, questionnaire
versions) are filled in by the view before validation.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from survey.campaigns.schedule import reminder_days
from survey.forms import OptionalNumberField
from survey.invitations import MAX_TEAM_LINK_CAPACITY
from survey.models.assessment import MODES
from survey.params import coerce_id, parse_id

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MIN_GROUP_SIZE = 3
MAX_GROUP_SIZE = 100
COMMENT_GROUP_SIZE = 10  # the model's default: the least number of people whose words show
MAX_COMMENT_GROUP_SIZE = 1000
COMMENT_GROUP_MESSAGE = _l(
    "Give a whole number, at least the minimum group size and at most %(most)s.",
    most=MAX_COMMENT_GROUP_SIZE,
)
MODE_LABELS = {
    "anonymous": _l("Anonymous: nothing links a response to a person"),
    "confidential": _l(
        "Confidential: a random key pairs one person's answers across waves; nobody ever sees it"
    ),
}
DELIVERIES = {
    "email": _l("Send each person their link by e-mail"),
    "csv": _l("Download the links as a CSV file for mail-merge (once: they cannot be shown again)"),
}
# Reminders in anonymous mode go by e-mail only: links handed to staff for the people who have
# not answered would show who has.
EMAIL_ONLY = {"email": DELIVERIES["email"]}
EVERYONE = 0  # the team choice that means the whole roster


class WholeNumberField(IntegerField):
    """An IntegerField that reads ASCII digits only (``int()`` takes "١٢" for 12)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        self.data = parse_id(valuelist[0])
        if self.data is None:
            raise ValueError(self.gettext("Not a valid integer value."))


class AssessmentForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the assessment a name.")), Length(max=200)],
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
    )
    rep_questionnaire = SelectField(_l("Questionnaire for reps"), validate_choice=True)
    manager_questionnaire = SelectField(
        _l("Questionnaire for managers (optional)"), validate_choice=True
    )
    mode = RadioField(
        _l("Mode"),
        choices=[SelectChoice(mode, MODE_LABELS[mode]) for mode in MODES],
        default="anonymous",
        validators=[InputRequired(_l("Choose anonymous or confidential."))],
    )
    min_group_size = WholeNumberField(
        _l("Minimum group size"),
        default=5,
        validators=[
            InputRequired(_l("Give the minimum group size, a whole number of 3 or more.")),
            NumberRange(
                MIN_GROUP_SIZE,
                MAX_GROUP_SIZE,
                _l(
                    "The minimum group size lies between %(least)s and %(most)s.",
                    least=MIN_GROUP_SIZE,
                    most=MAX_GROUP_SIZE,
                ),
            ),
        ],
    )
    # Left out of a request (not by the form, which shows it filled in): kept as it is, raised to
    # the minimum group size when that is larger (survey.campaigns.routes).
    comment_min_group_size = OptionalNumberField(
        _l("Least number of people whose words a group must pool before they are shown"),
        default=COMMENT_GROUP_SIZE,
        validators=[Optional()],
        message=COMMENT_GROUP_MESSAGE,
        max_digits=9,
    )

    def validate_comment_min_group_size(self, field: OptionalNumberField) -> None:
        k = self.min_group_size.data
        if k is not None and not self.min_group_size.errors and field.data < k:
            raise ValidationError(
                _(
                    "Give at least %(k)s, the minimum group size (k): words are never shown for a "
                    "group smaller than the other results need.",
                    k=k,
                )
            )
        if field.data > MAX_COMMENT_GROUP_SIZE:
            raise ValidationError(_("Give at most %(most)s.", most=MAX_COMMENT_GROUP_SIZE))


class WaveForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the wave a name.")), Length(max=200)],
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
    )
    # Optional here: once a wave has opened its opening time is kept, whatever is sent.
    opens_at = DateTimeLocalField(
        _l("Opens (UTC)"), format=DATETIME_FORMAT, validators=[Optional()]
    )
    closes_at = DateTimeLocalField(
        _l("Closes (UTC)"),
        format=DATETIME_FORMAT,
        validators=[InputRequired(_l("Give the closing date and time."))],
    )
    # Choices are the installed versions; the view checks the order of the waves and offers
    # what fits (survey.campaigns.wave_versions). A wave that opened keeps its own.
    rep_version = SelectField(
        _l("Questionnaire version for reps"), coerce=coerce_id, validate_choice=True
    )
    manager_version = SelectField(
        _l("Questionnaire version for managers"), coerce=coerce_id, validate_choice=True
    )
    # What the scheduler does (survey.campaigns.scheduler); gone once the wave has opened.
    invite_on_open = BooleanField(_l("Mail the invitations when the wave opens"))
    reminders = StringField(
        _l("Reminders, in days after the opening"), validators=[Length(max=100)]
    )

    def validate_reminders(self, field) -> None:
        try:
            reminder_days(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from error


class RecipientsForm(FlaskForm):
    """Personal links for part of the roster (or reminders to part of it), and how to send them."""

    team = SelectField(_l("Who"), coerce=coerce_id, validate_choice=True)
    delivery = RadioField(
        _l("How"),
        choices=[SelectChoice(value, label) for value, label in DELIVERIES.items()],
        default="email",
        validators=[InputRequired()],
    )


CAPACITY_MESSAGE = _l(
    "Give a whole number of answers from 1 to %(most)s, or leave it empty to take the number "
    "of people of that role on the roster in the team and below it.",
    most=MAX_TEAM_LINK_CAPACITY,
)


class TeamLinkForm(FlaskForm):
    team = SelectField(_l("Team"), coerce=coerce_id, validate_choice=True)
    role = RadioField(
        _l("Who answers"),
        choices=[SelectChoice("rep", _l("Reps")), SelectChoice("manager", _l("Managers"))],
        default="rep",
        validators=[InputRequired()],
    )
    capacity = OptionalNumberField(
        _l("How many answers it takes (optional)"),
        validators=[Optional(), NumberRange(1, MAX_TEAM_LINK_CAPACITY, CAPACITY_MESSAGE)],
        message=CAPACITY_MESSAGE,
        max_digits=9,
    )
