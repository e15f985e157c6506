"""Which version of the assessment's questionnaires a wave asks.

A wave asks the assessment's versions unless a consultant chose a newer one for it before it
opened. Over the whole sequence of waves, in order of opening, versions never go back, and two
waves next to each other ask the same version or two versions a crosswalk links: a trend across
a change uses only the items the two versions share (their crosswalk,
``questionnaires/VERSIONS.md``), and a person's answers are not paired across it. The wave form
offers only the versions that keep this order where the wave opens, and a change of version or
of opening time that would break it is refused (:func:`order_problems`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from itertools import pairwise

from babel.lists import format_list
from flask_babel import gettext as _

from questionnaires import Questionnaire, common_items
from survey import i18n
from survey.models import Assessment, Wave

ROLES = ("rep", "manager")


def asks_managers(assessment: Assessment) -> bool:
    return bool(assessment.manager_questionnaire_key)


def roles(assessment: Assessment) -> tuple[str, ...]:
    """The roles with a questionnaire of their own: reps, and managers when they have one."""
    return ROLES if asks_managers(assessment) else ("rep",)


def neighbours(
    assessment: Assessment, wave: Wave | None, opens_at: datetime | None
) -> tuple[Wave | None, Wave | None]:
    """The waves just before and just after ``wave`` were it to open at ``opens_at``.

    ``wave`` is ``None`` for a new one; a new wave without a time yet goes after the last.
    """
    others = sorted((w for w in assessment.waves if w is not wave), key=lambda w: w.opens_at)
    if opens_at is None:
        return (others[-1] if others else None), None
    before = [w for w in others if w.opens_at < opens_at]
    after = [w for w in others if w.opens_at >= opens_at]
    return (before[-1] if before else None), (after[0] if after else None)


def lowest_version(assessment: Assessment, wave: Wave | None, role: str) -> int:
    """The version the wave before ``wave`` asks (the last wave for a new one); the
    assessment's when there is none."""
    before, _ = neighbours(assessment, wave, wave.opens_at if wave else None)
    return (before or assessment).instrument(role)[1]


def linked(
    questionnaires: Mapping[tuple[str, int], Questionnaire], key: str, earlier: int, later: int
) -> bool:
    """Whether a wave asking ``later`` may follow one asking ``earlier``: the same version, or
    a newer one whose crosswalk links it to the earlier (both installed)."""
    if earlier == later:
        return True
    newer, older = questionnaires.get((key, later)), questionnaires.get((key, earlier))
    return (
        earlier < later
        and newer is not None
        and older is not None
        and bool(common_items(newer, older))
    )


def fits(
    questionnaires: Mapping[tuple[str, int], Questionnaire],
    assessment: Assessment,
    before: Wave | None,
    after: Wave | None,
    role: str,
    version: int,
) -> bool:
    """Whether a wave between ``before`` and ``after`` may ask ``version`` to ``role``: not
    older than the wave before (the assessment's version for the first wave), not newer than
    the wave after, and linked to both by a crosswalk."""
    key = assessment.instrument(role)[0]
    if before is None:
        if version < assessment.instrument(role)[1]:
            return False
    elif not linked(questionnaires, key, before.instrument(role)[1], version):
        return False
    return after is None or linked(questionnaires, key, version, after.instrument(role)[1])


def version_choices(
    questionnaires: Mapping[tuple[str, int], Questionnaire],
    assessment: Assessment,
    wave: Wave | None,
    opens_at: datetime | None,
    role: str,
) -> list[tuple[int, str]]:
    """(version, label) a wave opening at ``opens_at`` may ask ``role``: the installed versions
    from the wave before's to the wave after's that a crosswalk links to both."""
    before, after = neighbours(assessment, wave, opens_at)
    return [
        (version, label)
        for version, label in installed_versions(questionnaires, assessment, role)
        if fits(questionnaires, assessment, before, after, role, version)
    ]


def installed_versions(
    questionnaires: Mapping[tuple[str, int], Questionnaire], assessment: Assessment, role: str
) -> list[tuple[int, str]]:
    """(version, label) of every installed version of the assessment's questionnaire."""
    key = assessment.instrument(role)[0]
    found = sorted(version for (k, version) in questionnaires if k == key)
    return [
        (
            version,
            _("Version %(version)s (newest)", version=version)
            if version == found[-1]
            else _("Version %(version)s", version=version),
        )
        for version in found
    ]


def order_problems(
    questionnaires: Mapping[tuple[str, int], Questionnaire],
    assessment: Assessment,
    wave: Wave | None,
    name: str,
    opens_at: datetime,
    versions: Mapping[str, int],
) -> dict[str, str]:
    """Why the sequence of waves would break the order, by role; empty when it keeps it.

    ``wave`` (``None`` for a new one, called ``name``) would open at ``opens_at`` and ask
    ``versions`` (by role). Every two waves next to each other in the new sequence are checked,
    except a pair that is next to each other, with the same versions, already.
    """
    problems: dict[str, str] = {}
    for role, version in versions.items():
        key = assessment.instrument(role)[0]
        current = [(w, w.instrument(role)[1]) for w in assessment.waves]
        current.sort(key=lambda pair: pair[0].opens_at)
        unchanged = {(a, va, b, vb) for (a, va), (b, vb) in pairwise(current)}
        proposed = [(w, v) for w, v in current if w is not wave]
        proposed.append((wave, version))
        proposed.sort(key=lambda pair: opens_at if pair[0] is wave else pair[0].opens_at)
        if proposed[0][0] is wave and version < assessment.instrument(role)[1]:
            words = {
                "wave": name,
                "version": version,
                "assessment_version": assessment.instrument(role)[1],
            }
            problems[role] = (
                _(
                    "%(wave)s cannot ask version %(version)s for managers: the assessment asks "
                    "version %(assessment_version)s, and a wave never asks an older one.",
                    **words,
                )
                if role == "manager"
                else _(
                    "%(wave)s cannot ask version %(version)s for reps: the assessment asks "
                    "version %(assessment_version)s, and a wave never asks an older one.",
                    **words,
                )
            )
            continue
        for (a, va), (b, vb) in pairwise(proposed):
            if (a, va, b, vb) in unchanged or linked(questionnaires, key, va, vb):
                continue
            first = name if a is wave else a.name
            second = name if b is wave else b.name
            reason = (
                _("a wave never asks an older version than the wave before")
                if vb < va
                else _(
                    "no crosswalk links version %(before)s to version %(after)s, so no trend "
                    "could bridge them",
                    before=va,
                    after=vb,
                )
            )
            words = {
                "second": second,
                "after": vb,
                "first": first,
                "before": va,
                "reason": reason,
                "fits": _where_it_fits(questionnaires, assessment, wave, opens_at, role),
            }
            problems[role] = (
                _(
                    "%(second)s would ask version %(after)s for managers right after %(first)s, "
                    "which asks version %(before)s: %(reason)s. %(fits)s",
                    **words,
                )
                if role == "manager"
                else _(
                    "%(second)s would ask version %(after)s for reps right after %(first)s, "
                    "which asks version %(before)s: %(reason)s. %(fits)s",
                    **words,
                )
            )
            break
    return problems


def _where_it_fits(
    questionnaires: Mapping[tuple[str, int], Questionnaire],
    assessment: Assessment,
    wave: Wave | None,
    opens_at: datetime,
    role: str,
) -> str:
    allowed = [v for v, _ in version_choices(questionnaires, assessment, wave, opens_at, role)]
    if not allowed:
        return _("No version fits at that opening time; choose another.")
    words = format_list([str(version) for version in allowed], style="or", locale=i18n.language())
    return _("Opening then, it can ask version %(versions)s.", versions=words)


def set_version(
    wave: Wave,
    questionnaires: Mapping[tuple[str, int], Questionnaire],
    role: str,
    version: int,
) -> None:
    """Make ``wave`` ask ``version`` of the assessment's questionnaire for ``role``."""
    assessment = wave.assessment
    key = assessment.instrument(role)[0]
    own = None if version == assessment.instrument(role)[1] else questionnaires[(key, version)]
    if role == "manager":
        wave.manager_questionnaire_version = own.version if own else None
        wave.manager_questionnaire_sha256 = own.sha256 if own else None
    else:
        wave.rep_questionnaire_version = own.version if own else None
        wave.rep_questionnaire_sha256 = own.sha256 if own else None


def clear_versions(assessment: Assessment, role: str) -> list[Wave]:
    """Make every wave ask the assessment's version for ``role``; return those that had their
    own. Called when the assessment's questionnaire for ``role`` changes (before any wave
    opened): a wave's own version belongs to the questionnaire it was chosen for."""
    cleared = []
    for wave in assessment.waves:
        if role == "manager":
            if wave.manager_questionnaire_version is not None:
                cleared.append(wave)
            wave.manager_questionnaire_version = wave.manager_questionnaire_sha256 = None
        else:
            if wave.rep_questionnaire_version is not None:
                cleared.append(wave)
            wave.rep_questionnaire_version = wave.rep_questionnaire_sha256 = None
    return cleared
