"""What an instrument quality page shows: its parts, their figures, and the careless setting.

An assessment's page has one part per questionnaire version its waves ask of reps (and of
managers, when they have a questionnaire of their own), from the waves released in full; the
pooled page one part, from every assessment's waves that asked the version. Figures are cached
under the final releases read (:mod:`survey.quality.computing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from questionnaires import Questionnaire
from survey.final_answers import Sample, pooled_releases, read_sample, with_waves
from survey.instruments import questionnaire_for
from survey.models import Assessment, Wave
from survey.quality.computing import Failed, cached_or_started
from survey.quality.figures import PartFigures, needs_factor_models, part_figures
from survey.releases.store import ReleaseInfo, payload

ROLES = ("rep", "manager")


@dataclass(frozen=True)
class Part:
    """One questionnaire version of an assessment: its figures once a wave asking it is
    released in full; until then, the waves still to be released."""

    questionnaire: Questionnaire
    role: str
    figures: PartFigures | None
    waiting: tuple[Wave, ...]  # waves asking it without a final release, by closing time

    @property
    def next_closing(self) -> datetime | None:
        return self.waiting[0].closes_at if self.waiting else None


@dataclass(frozen=True)
class CarelessSetting:
    """Whether flagged responses count: the setting, the waves it still applies to, and what
    each released wave was released with."""

    left_out: bool
    applies_to: tuple[str, ...]  # waves without any release yet
    released: tuple[tuple[str, bool], ...]  # (wave, flagged responses left out)


def assessment_parts(
    session: Session, assessment: Assessment, releases: dict[int, ReleaseInfo]
) -> list[Part] | Failed | None:
    """The parts of an assessment's page, None while their figures are being computed, or
    ``FAILED``; ``releases``: the latest release of each wave (``latest_releases``)."""
    finals = {wave_id: info for wave_id, info in releases.items() if info.final}
    plans = []
    for role in _roles(assessment):
        asked: dict[tuple[str, int, str], list[Wave]] = {}
        for wave in assessment.waves:
            asked.setdefault(wave.instrument(role), []).append(wave)
        for instrument, waves in asked.items():
            plans.append((questionnaire_for(*instrument), role, waves))
    key = (
        "instrument quality",
        assessment.id,
        tuple((q.key, q.version, role) for q, role, _ in plans),
        tuple(sorted(info.id for info in finals.values())),
    )

    def read():
        return [
            read_sample(
                session,
                questionnaire,
                role,
                [(wave, finals[wave.id]) for wave in waves if wave.id in finals],
            )
            for questionnaire, role, waves in plans
        ]

    figures = cached_or_started(
        key,
        read,
        lambda samples: [
            part_figures(sample, across_waves=True) if _read_any(sample) else None
            for sample in samples
        ],
        lambda samples: any(needs_factor_models(sample) for sample in samples),
    )
    if figures is None or isinstance(figures, Failed):
        return figures
    return [
        Part(
            questionnaire,
            role,
            found,
            tuple(
                sorted(
                    (wave for wave in waves if wave.id not in finals),
                    key=lambda wave: wave.closes_at,
                )
            ),
        )
        for (questionnaire, role, waves), found in zip(plans, figures, strict=True)
    ]


def pooled_part(session: Session, questionnaire: Questionnaire) -> PartFigures | Failed | None:
    """The figures over every assessment that asked ``questionnaire``, None while they are
    being computed, or ``FAILED``."""
    releases = pooled_releases(session, questionnaire)
    key = (
        "instrument quality",
        questionnaire.key,
        questionnaire.version,
        tuple(info.id for info in releases),
    )
    return cached_or_started(
        key,
        lambda: read_sample(
            session,
            questionnaire,
            questionnaire.audience,
            with_waves(session, releases),
            pooled=True,
        ),
        lambda sample: part_figures(sample, across_waves=False),
        needs_factor_models,
    )


def careless_setting(
    session: Session, assessment: Assessment, releases: dict[int, ReleaseInfo]
) -> CarelessSetting:
    released = tuple(
        (wave.name, bool(payload(session, releases[wave.id]).get("careless_left_out", False)))
        for wave in assessment.waves
        if wave.id in releases
    )
    return CarelessSetting(
        left_out=assessment.careless_left_out,
        applies_to=tuple(wave.name for wave in assessment.waves if wave.id not in releases),
        released=released,
    )


def _read_any(sample: Sample) -> bool:
    """Whether a wave was released in full, kept or left out."""
    return bool(sample.waves or sample.too_few or sample.erased)


def _roles(assessment: Assessment) -> tuple[str, ...]:
    return ROLES if assessment.manager_questionnaire_key else ROLES[:1]
