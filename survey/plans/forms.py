"""The form of one action of a plan: a practice from the library or the manager's own words."""

from __future__ import annotations

from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from questionnaires.actions import library
from survey.action_plans import Action
from survey.models.plan import LONGEST_OWNER, LONGEST_TEXT

OWN_WORDS = ""
LATEST_DUE = timedelta(days=2 * 366)


class ActionForm(FlaskForm):
    """One action; ``dimensions`` maps each dimension key to its name, in questionnaire order."""

    practice = SelectField("Action", default=OWN_WORDS)
    text = TextAreaField(
        "Your own action, if none of the list fits",
        validators=[Length(max=LONGEST_TEXT, message=f"Keep it to {LONGEST_TEXT} characters.")],
    )
    dimension = SelectField("Dimension it works on", default="")
    owner = StringField(
        "Owner",
        validators=[
            InputRequired("Say who owns this action: a name or a role."),
            Length(max=LONGEST_OWNER, message=f"Keep it to {LONGEST_OWNER} characters."),
        ],
    )
    due_on = DateField(
        "Done by",
        validators=[InputRequired("Give the date by which it is done (for example 2027-03-31).")],
    )

    def __init__(self, dimensions: dict[str, str], today: date, **kwargs) -> None:
        super().__init__(**kwargs)
        self.today = today
        self.practice.choices = [(OWN_WORDS, "My own action (write it below)")] + [
            (p.id, f"{dimensions[p.dimension]}: {p.title}")
            for key in dimensions
            for p in library().practices
            if p.dimension == key
        ]
        self.dimension.choices = [("", "Choose (for your own action)"), *dimensions.items()]

    def validate_text(self, field: TextAreaField) -> None:
        if self.practice.data == OWN_WORDS and not (field.data or "").strip():
            raise ValidationError("Choose an action from the list, or write your own here.")

    def validate_dimension(self, field: SelectField) -> None:
        if self.practice.data == OWN_WORDS and not field.data:
            raise ValidationError(
                "Say which dimension your own action works on: the next release shows it "
                "beside that dimension's change."
            )

    def validate_due_on(self, field: DateField) -> None:
        if field.data is None:
            field.errors[:] = []
            raise ValidationError("Give the date as year-month-day, for example 2027-03-31.")
        if field.data < self.today:
            raise ValidationError("The date has passed: give one from today on.")
        if field.data > self.today + LATEST_DUE:
            raise ValidationError("Give a date within the next two years.")

    def action(self) -> Action:
        """The validated action (a library practice's title and dimension replace the rest)."""
        return Action(
            dimension=self.dimension.data,
            practice_id=self.practice.data or None,
            text=" ".join((self.text.data or "").split()),
            owner=" ".join(self.owner.data.split()),
            due_on=self.due_on.data,
        )
