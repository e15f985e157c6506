"""The form of the instrument quality page: whether responses flagged as careless count."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired

COUNT, LEAVE_OUT = "count", "leave_out"


class CarelessForm(FlaskForm):
    careless = RadioField(
        _l("Responses flagged as careless"),
        choices=[
            SelectChoice(COUNT, _l("Count them, like every other response")),
            SelectChoice(LEAVE_OUT, _l("Leave them out of the results")),
        ],
        validators=[InputRequired(_l("Choose whether flagged responses count."))],
    )
