"""The one test world: ``gen_*`` factory functions and the reference organisation.

Import everything from here (``from tests.factories import gen_wave, ReferenceOrg``):

- :mod:`tests.factories.base`: one row at a time (organisation, team tree, user, assessment,
  wave, responses, roster person, invitations, team links); each commits what it makes.
- :mod:`tests.factories.reference`: the reference organisation, Acme Solar (Global > France >
  Paris, Global > Spain, Product), its rival Zenith Wind, users of every role and an assessment
  with two closed waves; answers and a roster on request. ``make_world`` and its invitation
  helpers give the same organisation with one open wave, for the rep's journey.
- :mod:`tests.factories.hostile`: the same shape with every free text hostile, entered through
  the app's forms (for the security crawls).
- :mod:`tests.factories.confidential`: a confidential assessment whose people answer wave
  after wave, with the truth an attacker's test compares every published figure against:
  ``build`` (any tree and waves), ``gen_boreal`` (the attacker's organisation, Boreal),
  answers known to the truth, releases noted in it, and Hypothesis's team trees and settings
  for the stories told about these worlds. Every security and release test builds its world
  here.
- :mod:`tests.factories.words`: a team tree whose reps write steps of words the truth can
  trace back to their response (``gen_words_world``), for the tests of people's own words.
- :mod:`tests.factories.fixtures`: ``reference_org``, ``answered_org``, ``reference_roster``
  and ``consultant_client``, available in every test package.
"""

from tests.factories.base import (
    Tree,
    full_answers,
    gen_assessment,
    gen_invitation,
    gen_organisation,
    gen_person,
    gen_person_invitation,
    gen_response,
    gen_responses,
    gen_scaled_responses,
    gen_team,
    gen_team_link,
    gen_team_tree,
    gen_user,
    gen_wave,
    manager_questionnaire,
    new_response,
    password_hash,
    rep_questionnaire,
)
from tests.factories.confidential import (
    BOREAL,
    PairedWorld,
    gen_boreal,
    story_settings,
    team_trees,
)
from tests.factories.hostile import (
    HOSTILE_ASSESSMENT,
    HOSTILE_CHILD,
    HOSTILE_EMAILS,
    HOSTILE_LADDER_WORDS,
    HOSTILE_NAMES,
    HOSTILE_ORGANISATION,
    HOSTILE_PRODUCT,
    HOSTILE_ROSTER_TEAM,
    HOSTILE_TEAM_NAMES,
    HOSTILE_TOP,
    HOSTILE_WAVE_BEFORE,
    HOSTILE_WAVE_NOW,
    Hostile,
    gen_hostile_invitation,
    gen_hostile_org,
)
from tests.factories.reference import (
    REFERENCE_COUNTS,
    REFERENCE_VALUES,
    ROSTER,
    ReferenceOrg,
    World,
    gen_reference_answers,
    gen_reference_org,
    gen_reference_teams,
    gen_roster,
    make_invitation,
    make_person_invitation,
    make_team_link,
    make_world,
)
from tests.factories.words import WordsWorld, add_answer, close, gen_words_world

__all__ = [
    "BOREAL",
    "HOSTILE_ASSESSMENT",
    "HOSTILE_CHILD",
    "HOSTILE_EMAILS",
    "HOSTILE_LADDER_WORDS",
    "HOSTILE_NAMES",
    "HOSTILE_ORGANISATION",
    "HOSTILE_PRODUCT",
    "HOSTILE_ROSTER_TEAM",
    "HOSTILE_TEAM_NAMES",
    "HOSTILE_TOP",
    "HOSTILE_WAVE_BEFORE",
    "HOSTILE_WAVE_NOW",
    "REFERENCE_COUNTS",
    "REFERENCE_VALUES",
    "ROSTER",
    "Hostile",
    "PairedWorld",
    "ReferenceOrg",
    "Tree",
    "WordsWorld",
    "World",
    "add_answer",
    "close",
    "full_answers",
    "gen_assessment",
    "gen_boreal",
    "gen_hostile_invitation",
    "gen_hostile_org",
    "gen_invitation",
    "gen_organisation",
    "gen_person",
    "gen_person_invitation",
    "gen_reference_answers",
    "gen_reference_org",
    "gen_reference_teams",
    "gen_response",
    "gen_responses",
    "gen_roster",
    "gen_scaled_responses",
    "gen_team",
    "gen_team_link",
    "gen_team_tree",
    "gen_user",
    "gen_wave",
    "gen_words_world",
    "make_invitation",
    "make_person_invitation",
    "make_team_link",
    "make_world",
    "manager_questionnaire",
    "new_response",
    "password_hash",
    "rep_questionnaire",
    "story_settings",
    "team_trees",
]
