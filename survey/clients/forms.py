"""Forms of the consultant pages; each carries the CSRF token.

Field rules that need the database (free names, where a team may move) live in ``teams`` and
``organisations``; the forms check only shape.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from survey.clients.names import MAX_NAME
from survey.i18n import valid_zone, zone_choices
from survey.models.organisation import DEPARTMENTS
from survey.params import coerce_id

DEPARTMENT_LABELS = {
    "sales": _l("Sales"),
    "product": _l("Product"),
    "marketing": _l("Marketing"),
    "other": _l("Other"),
}
DEPARTMENT_CHOICES = [
    SelectChoice(department, DEPARTMENT_LABELS.get(department, department.capitalize()))
    for department in DEPARTMENTS
]
ROOT = ""  # the parent choice for a team at the top level


def optional_id(value) -> int | None:
    """A parent choice: ``""`` for the top level, else a team id (``coerce_id``)."""
    return None if value in (None, ROOT) else coerce_id(value)


SAME_AS_ABOVE = ""  # a team's zone choice: none of its own, the one above applies
UNKNOWN_ZONE = _l("Choose a time zone from the list, such as Europe/Paris.")


def known_zone(_form, field) -> None:
    """A zone of ``survey.i18n.zone_choices``, checked with ``valid_zone``."""
    if not valid_zone(field.data):
        raise ValidationError(str(UNKNOWN_ZONE))


def known_zone_or_same(form, field) -> None:
    """A known zone, or "Same as above" (``SAME_AS_ABOVE``)."""
    if field.data != SAME_AS_ABOVE:
        known_zone(form, field)


def zone_field(label, optional: bool = False) -> SelectField:
    """A select of every IANA zone; ``optional`` adds "Same as above" (``SAME_AS_ABOVE``).

    The choices are not checked by WTForms (``validate_choice=False``): the validator refuses
    an unknown zone with a message that says what to do. Fill ``choices`` with ``zone_options``.
    """
    return SelectField(
        label,
        validators=[known_zone_or_same if optional else known_zone],
        validate_choice=False,
        default=SAME_AS_ABOVE if optional else "UTC",
    )


def zone_options(optional: bool = False) -> list[tuple[str, str]]:
    """The choices of a zone select: every IANA zone, after "Same as above" if ``optional``."""
    same = [(SAME_AS_ABOVE, str(_l("Same as above")))] if optional else []
    return same + zone_choices()


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the organisation a name.")), Length(max=MAX_NAME)],
    )
    time_zone = zone_field(_l("Time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = zone_options()


class OrganisationZoneForm(FlaskForm):
    """An organisation's settings: its time zone."""

    time_zone = zone_field(_l("Time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = zone_options()


class TeamForm(FlaskForm):
    """Add a team, or edit one: name, department and where it sits in the tree."""

    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Give the team a name.")), Length(max=MAX_NAME)]
    )
    department = SelectField(_l("Department"), choices=DEPARTMENT_CHOICES, default="sales")
    # Any team id is accepted here; ``teams`` refuses cycles and other organisations' teams.
    parent = SelectField(_l("Inside"), coerce=optional_id, validate_choice=False)
    time_zone = zone_field(_l("Time zone"), optional=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = zone_options(optional=True)

    @property
    def own_zone(self) -> str | None:
        """The team's own zone as stored: None for "Same as above"."""
        return self.time_zone.data or None


class ConfirmForm(FlaskForm):
    confirm = BooleanField(validators=[InputRequired(_l("Tick the box to confirm."))])


class RosterUploadForm(FlaskForm):
    roster = FileField(_l("Roster file (CSV)"), validators=[FileRequired(_l("Choose a CSV file."))])


class RosterConfirmForm(FlaskForm):
    upload = HiddenField(validators=[DataRequired(), Length(max=32)])
