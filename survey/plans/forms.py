"""The form of one action of a plan: a practice from the library or the manager's own words."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from questionnaires.actions import library
from survey.action_plans import Action
from survey.i18n import language
from survey.models.plan import LONGEST_OWNER, LONGEST_TEXT

OWN_WORDS = ""
LATEST_DUE = timedelta(days=2 * 366)


class ActionForm(FlaskForm):
    """One action; ``dimensions`` maps each dimension key to its name, in questionnaire order."""

    practice = SelectField(_l("Action"), default=OWN_WORDS)
    text = TextAreaField(
        _l("Your own action, if none of the list fits"),
        validators=[
            Length(
                max=LONGEST_TEXT,
                message=_l("Keep it to %(longest)d characters.", longest=LONGEST_TEXT),
            )
        ],
    )
    dimension = SelectField(_l("Dimension it works on"), default="")
    owner = StringField(
        _l("Owner"),
        validators=[
            InputRequired(_l("Say who owns this action: a name or a role.")),
            Length(
                max=LONGEST_OWNER,
                message=_l("Keep it to %(longest)d characters.", longest=LONGEST_OWNER),
            ),
        ],
    )
    due_on = DateField(
        _l("Done by"),
        validators=[
            InputRequired(_l("Give the date by which it is done (for example 2027-03-31)."))
        ],
    )

    def __init__(self, dimensions: dict[str, str], today: date, **kwargs) -> None:
        super().__init__(**kwargs)
        self.today = today
        self.practice.choices = [(OWN_WORDS, _("My own action (write it below)"))] + [
            (
                p.id,
                _(
                    "%(dimension)s: %(practice)s",
                    dimension=dimensions[p.dimension],
                    practice=p.title,
                ),
            )
            for key in dimensions
            for p in library().in_language(language()).practices
            if p.dimension == key
        ]
        self.dimension.choices = [("", _("Choose (for your own action)")), *dimensions.items()]

    def validate_text(self, field: TextAreaField) -> None:
        if self.practice.data == OWN_WORDS and not (field.data or "").strip():
            raise ValidationError(_("Choose an action from the list, or write your own here."))

    def validate_dimension(self, field: SelectField) -> None:
        if self.practice.data == OWN_WORDS and not field.data:
            raise ValidationError(
                _(
                    "Say which dimension your own action works on: the next release shows it "
                    "beside that dimension's change."
                )
            )

    def validate_due_on(self, field: DateField) -> None:
        if field.data is None:
            field.errors[:] = []
            raise ValidationError(_("Give the date as year-month-day, for example 2027-03-31."))
        if field.data < self.today:
            raise ValidationError(_("The date has passed: give one from today on."))
        if field.data > self.today + LATEST_DUE:
            raise ValidationError(_("Give a date within the next two years."))

    def action(self) -> Action:
        """The validated action (a library practice's title and dimension replace the rest)."""
        return Action(
            dimension=self.dimension.data,
            practice_id=self.practice.data or None,
            text=" ".join((self.text.data or "").split()),
            owner=" ".join(self.owner.data.split()),
            due_on=self.due_on.data,
        )
