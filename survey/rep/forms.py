"""The page form: it carries the CSRF token and the button pressed.

The items themselves are rendered in a Jinja loop and read by ``survey.rep.answers``: WTForms'
radio widgets cost about 50 us per input, which a page of 56 radios cannot afford.
"""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import AnyOf

ACTIONS = ("back", "next", "submit")


class PageForm(FlaskForm):
    action = StringField(validators=[AnyOf(ACTIONS)])
