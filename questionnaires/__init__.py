"""The survey's instruments as data files, and the loader that validates them."""

from questionnaires.loader import (
    DEFAULT_DIRECTORY,
    QuestionnaireError,
    load_directory,
    load_questionnaire,
)
from questionnaires.model import (
    AUDIENCES,
    DIMENSION_KEYS,
    NONE_OF_THESE,
    PERSPECTIVES,
    POLES,
    CooperationMap,
    Crosswalk,
    Dimension,
    Item,
    Ladder,
    LadderTarget,
    Questionnaire,
    Scale,
    common_items,
)

__all__ = [
    "AUDIENCES",
    "DEFAULT_DIRECTORY",
    "DIMENSION_KEYS",
    "NONE_OF_THESE",
    "PERSPECTIVES",
    "POLES",
    "CooperationMap",
    "Crosswalk",
    "Dimension",
    "Item",
    "Ladder",
    "LadderTarget",
    "Questionnaire",
    "QuestionnaireError",
    "Scale",
    "common_items",
    "load_directory",
    "load_questionnaire",
]
