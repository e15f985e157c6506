"""Forms of the consultant pages; each carries the CSRF token.

Field rules that need the database (free names, where a team may move) live in ``teams`` and
``organisations``; the forms check only shape.
"""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from survey.clients.names import MAX_NAME
from survey.models.organisation import DEPARTMENTS
from survey.params import coerce_id

DEPARTMENT_CHOICES = [
    SelectChoice(department, department.capitalize()) for department in DEPARTMENTS
]
ROOT = ""  # the parent choice for a team at the top level


def optional_id(value) -> int | None:
    """A parent choice: ``""`` for the top level, else a team id (``coerce_id``)."""
    return None if value in (None, ROOT) else coerce_id(value)


class OrganisationForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired("Give the organisation a name."), Length(max=MAX_NAME)],
    )


class TeamForm(FlaskForm):
    """Add a team, or edit one: name, department and where it sits in the tree."""

    name = StringField(
        "Name", validators=[DataRequired("Give the team a name."), Length(max=MAX_NAME)]
    )
    department = SelectField("Department", choices=DEPARTMENT_CHOICES, default="sales")
    # Any team id is accepted here; ``teams`` refuses cycles and other organisations' teams.
    parent = SelectField("Inside", coerce=optional_id, validate_choice=False)


class ConfirmForm(FlaskForm):
    confirm = BooleanField(validators=[InputRequired("Tick the box to confirm.")])


class RosterUploadForm(FlaskForm):
    roster = FileField("Roster file (CSV)", validators=[FileRequired("Choose a CSV file.")])


class RosterConfirmForm(FlaskForm):
    upload = HiddenField(validators=[DataRequired(), Length(max=32)])
