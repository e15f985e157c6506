"""The questionnaire files the app serves, loaded once, and the check that they did not change."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from questionnaires import DEFAULT_DIRECTORY, Questionnaire, common_items, load_directory


class InstrumentChanged(Exception):
    """A questionnaire file differs from the one an assessment was started with."""

    def __init__(self, key: str, version: int) -> None:
        # Lazy: shown on an error page in the reader's language, made perhaps outside a request.
        super().__init__(
            _l(
                "Questionnaire %(key)s version %(version)s has changed since this assessment "
                "started. Restore the original file or publish the change as a new version.",
                key=repr(key),
                version=version,
            )
        )


class InstrumentMissing(Exception):
    """An assessment names a questionnaire version that is not installed."""

    def __init__(self, key: str, version: int) -> None:
        super().__init__(
            _l(
                "Questionnaire %(key)s version %(version)s is not installed.",
                key=repr(key),
                version=version,
            )
        )


def init_app(app: Flask) -> None:
    directory = app.config["QUESTIONNAIRE_DIRECTORY"] or DEFAULT_DIRECTORY
    app.extensions["questionnaires"] = load_directory(directory)


def all_questionnaires() -> dict[tuple[str, int], Questionnaire]:
    return current_app.extensions["questionnaires"]


def questionnaire_for(key: str, version: int, sha256: str) -> Questionnaire:
    """The installed questionnaire, refused if its file no longer matches the recorded hash."""
    questionnaire = all_questionnaires().get((key, version))
    if questionnaire is None:
        raise InstrumentMissing(key, version)
    if questionnaire.sha256 != sha256:
        raise InstrumentChanged(key, version)
    return questionnaire


def shared_items(questionnaire: Questionnaire) -> dict[int, tuple[str, ...]]:
    """``{other version: this version's ids of the own-stance items both share}``.

    Versions of the same questionnaire linked by a crosswalk (``questionnaires/VERSIONS.md``):
    a wave of either can be compared with a wave of the other on these items only.
    """
    found: dict[int, tuple[str, ...]] = {}
    for (key, version), other in all_questionnaires().items():
        if key != questionnaire.key or version == questionnaire.version:
            continue
        if questionnaire.version > version:
            ids = tuple(new for new, _ in common_items(questionnaire, other))
        else:
            ids = tuple(old for _, old in common_items(other, questionnaire))
        own = tuple(i for i in ids if questionnaire.item(i).perspective == "self")
        if own:
            found[version] = own
    return found
