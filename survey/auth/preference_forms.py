"""A staff user's own language and time zone."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

from survey.i18n import LANGUAGES, zone_choices

SAME_AS_BROWSER = ""
SAME_AS_TEAM = ""


class PreferencesForm(FlaskForm):
    """The language pages and e-mails are in, and the zone times are shown in."""

    language = SelectField(
        _l("Language"),
        choices=[
            SelectChoice(SAME_AS_BROWSER, _l("The language of my browser")),
            *(SelectChoice(code, name) for code, name in LANGUAGES.items()),
        ],
        validate_choice=True,
    )
    time_zone = SelectField(_l("Time zone"), validate_choice=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [
            SelectChoice(SAME_AS_TEAM, _l("My organisation's")),
            *zone_choices(),
        ]
