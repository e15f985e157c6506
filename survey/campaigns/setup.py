"""An assessment's settings: the questionnaire versions, the mode and the minimum group size.

Once a wave has opened, people have answered under those settings, so they are locked: the
minimum group size decides what every page shows, the mode is a promise made to respondents,
and another questionnaire would mix versions. Only the name can change then. Before that, a
change of questionnaire makes every (scheduled) wave ask the new one: a wave's own version was
a version of the questionnaire it replaces.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from babel.lists import format_list
from flask import flash, has_request_context
from flask_babel import gettext as _
from flask_babel import ngettext

from questionnaires import Questionnaire
from survey import i18n
from survey.campaigns.wave_versions import clear_versions
from survey.models import Assessment, Wave
from survey.params import parse_id

NO_MANAGER_VERSION = ""
WAVE_VERSIONS_CLEARED = {"rep": "rep_wave_versions", "manager": "manager_wave_versions"}
"""What ``apply_settings`` adds to the changed fields when waves lose their own version."""


@dataclass(frozen=True)
class Settings:
    """What the assessment form asks for, checked against the installed questionnaires."""

    name: str
    rep: Questionnaire
    manager: Questionnaire | None
    mode: str
    min_group_size: int


def choice_value(key: str, version: int) -> str:
    """How a questionnaire version is named in a form: ``key:version``."""
    return f"{key}:{version}"


def questionnaire_choices(
    questionnaires: Mapping[tuple[str, int], Questionnaire], audience: str
) -> list[tuple[str, str]]:
    """(value, label) of each installed questionnaire for ``audience``, newest version first."""
    found = [q for q in questionnaires.values() if q.audience == audience]
    found.sort(key=lambda q: (q.key, -q.version))
    return [
        (choice_value(q.key, q.version), f"{q.title} ({q.key}, version {q.version})") for q in found
    ]


def chosen(
    questionnaires: Mapping[tuple[str, int], Questionnaire], value: str
) -> Questionnaire | None:
    """The questionnaire a form value names, or ``None`` for no choice or an unknown one."""
    key, _colon, version = value.rpartition(":")
    number = parse_id(version)
    if number is None:
        return None
    return questionnaires.get((key, number))


def first_opened_wave(assessment: Assessment, now: datetime) -> Wave | None:
    """The first wave that has opened (and perhaps closed) by ``now``; ``None`` if none has."""
    opened = [wave for wave in assessment.waves if wave.opens_at <= now]
    return min(opened, key=lambda wave: wave.opens_at) if opened else None


def current_settings(assessment: Assessment) -> dict[str, object]:
    """The assessment's settings as the form's field values."""
    return {
        "name": assessment.name,
        "rep_questionnaire": choice_value(
            assessment.rep_questionnaire_key, assessment.rep_questionnaire_version
        ),
        "manager_questionnaire": (
            choice_value(
                assessment.manager_questionnaire_key, assessment.manager_questionnaire_version
            )
            if assessment.manager_questionnaire_key
            else NO_MANAGER_VERSION
        ),
        "mode": assessment.mode,
        "min_group_size": assessment.min_group_size,
    }


def locked_changes(assessment: Assessment, settings: Settings, now: datetime) -> dict[str, str]:
    """For each locked field that ``settings`` would change, why it cannot change (by field)."""
    wave = first_opened_wave(assessment, now)
    if wave is None:
        return {}
    since = _("%(wave)s opened on %(day)s", wave=wave.name, day=i18n.day(wave.opens_at))
    wanted = _values(settings)
    current = current_settings(assessment)
    messages = {
        "min_group_size": _(
            "The minimum group size is locked at %(size)s: %(since)s, and every page has shown "
            "its results by that rule since.",
            size=assessment.min_group_size,
            since=since,
        ),
        "mode": _(
            "The mode is locked (%(mode)s): %(since)s, and people answered under that promise.",
            mode=assessment.mode,
            since=since,
        ),
        "rep_questionnaire": _(
            "The questionnaire is locked: %(since)s; another version would mix answers to "
            "different questions.",
            since=since,
        ),
        "manager_questionnaire": _(
            "The managers' questionnaire is locked: %(since)s; another version would mix "
            "answers to different questions.",
            since=since,
        ),
    }
    return {
        field: message for field, message in messages.items() if wanted[field] != current[field]
    }


def _values(settings: Settings) -> dict[str, object]:
    return {
        "name": settings.name,
        "rep_questionnaire": choice_value(settings.rep.key, settings.rep.version),
        "manager_questionnaire": (
            choice_value(settings.manager.key, settings.manager.version)
            if settings.manager
            else NO_MANAGER_VERSION
        ),
        "mode": settings.mode,
        "min_group_size": settings.min_group_size,
    }


def apply_settings(assessment: Assessment, settings: Settings) -> list[str]:
    """Write ``settings`` into ``assessment``; return the names of the fields that changed.

    A questionnaire's recorded hash is taken from the installed file only when the choice
    changes, so that editing the name never hides a file changed since the assessment began.
    When the questionnaire for reps (or managers) changes, every wave asks the new one: a wave
    that had its own version loses it, ``"rep_wave_versions"`` (``"manager_wave_versions"``)
    joins the changed fields, and, in a request, a message names those waves.
    """
    before = current_settings(assessment)
    changed = [field for field, value in _values(settings).items() if value != before[field]]
    assessment.name = settings.name
    assessment.mode = settings.mode
    assessment.min_group_size = settings.min_group_size
    if "rep_questionnaire" in changed:
        assessment.rep_questionnaire_key = settings.rep.key
        assessment.rep_questionnaire_version = settings.rep.version
        assessment.rep_questionnaire_sha256 = settings.rep.sha256
    if "manager_questionnaire" in changed:
        manager = settings.manager
        assessment.manager_questionnaire_key = manager.key if manager else None
        assessment.manager_questionnaire_version = manager.version if manager else None
        assessment.manager_questionnaire_sha256 = manager.sha256 if manager else None
    for role in ("rep", "manager"):
        if f"{role}_questionnaire" not in changed:
            continue
        cleared = clear_versions(assessment, role)
        if cleared:
            changed.append(WAVE_VERSIONS_CLEARED[role])
            if has_request_context():
                flash(_cleared_message(assessment, role, cleared))
    return changed


def _cleared_message(assessment: Assessment, role: str, waves: list[Wave]) -> str:
    """Which waves lost their own version for ``role``, and what they ask now."""
    names = [wave.name for wave in waves]
    listed = format_list(names, locale=i18n.language())
    if role == "manager" and not assessment.manager_questionnaire_key:
        return ngettext(
            "%(waves)s had its own questionnaire version for managers; the questionnaire "
            "changed, so managers now answer the reps' questionnaire.",
            "%(waves)s had their own questionnaire version for managers; the questionnaire "
            "changed, so managers now answer the reps' questionnaire.",
            len(names),
            waves=listed,
        )
    key, version, _sha = assessment.instrument(role)
    if role == "manager":
        return ngettext(
            "%(waves)s had its own questionnaire version for managers; the questionnaire "
            "changed, so it asks the new one (%(key)s, version %(version)s).",
            "%(waves)s had their own questionnaire version for managers; the questionnaire "
            "changed, so they ask the new one (%(key)s, version %(version)s).",
            len(names),
            waves=listed,
            key=key,
            version=version,
        )
    return ngettext(
        "%(waves)s had its own questionnaire version for reps; the questionnaire changed, so "
        "it asks the new one (%(key)s, version %(version)s).",
        "%(waves)s had their own questionnaire version for reps; the questionnaire changed, so "
        "they ask the new one (%(key)s, version %(version)s).",
        len(names),
        waves=listed,
        key=key,
        version=version,
    )
