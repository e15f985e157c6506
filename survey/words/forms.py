"""The buttons of the words review page: each names one step by its key (and a category)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, ValidationError
from wtforms.validators import InputRequired


class StepForm(FlaskForm):
    """Hold back or show again: the CSRF token and the key of one step."""

    step = HiddenField(
        validators=[InputRequired(_l("No words were named: use the buttons of the list of words."))]
    )


class SortForm(StepForm):
    """Sort one step: its key and a category of ``categories`` (target key -> label)."""

    category = StringField(
        _l("Category"), validators=[InputRequired(_l("Choose a category for these words."))]
    )

    def __init__(self, categories: dict[str, str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.categories = categories

    def validate_category(self, field: StringField) -> None:
        if field.data not in self.categories:
            offered = ", ".join(f"“{label}”" for label in self.categories.values())
            raise ValidationError(
                _("Choose one of the categories offered: %(offered)s.", offered=offered)
            )
