"""The stored English words of a release (verdicts, measure names) in the reader's language.

Releases and their families keep these words in English: they are compared (a verdict's end
says whether a change is beyond chance) and stored. They are put in the reader's language only
where a person reads them: the dashboard's templates (the ``verdict`` and ``measure_name``
filters) and the sentences built from them.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from analysis.change import (
    BEYOND_CHANCE,
    NOT_TESTABLE,
    PAIRED,
    TOO_FEW,
    TREND,
    WELCH,
    WITHIN_CHANCE,
)
from analysis.dimension_comparison import REST
from analysis.privacy import COMPLEMENTARY
from questionnaires import NONE_OF_THESE
from survey.aggregates.measures import CLIMATE
from survey.aggregates.model import INDEX
from survey.i18n import language
from survey.instruments import all_questionnaires
from survey.releases.cells import NOT_IN_TREE
from survey.releases.pairing import (
    HIDDEN_BEFORE,
    HIDDEN_NOW,
    NO_FINAL_BEFORE,
    SAME_FOR_ALL,
    VERSION_CHANGED,
    WITHHELD,
)

_SHARED = re.compile(r"^Mindset index on the items versions (\d+) and (\d+) share$")


def verdict_words(label: object) -> object:
    """A change's verdict label (:class:`analysis.change.ChangeVerdict`) as a person reads it;
    anything else (a missing value, an unknown label) as it is."""
    if not isinstance(label, str):
        return label
    labels = {
        "moved towards purpose, larger than chance variation": _(
            "moved towards purpose, larger than chance variation"
        ),
        "moved towards purpose, not distinguishable from chance": _(
            "moved towards purpose, not distinguishable from chance"
        ),
        "moved towards purpose, cannot be tested": _("moved towards purpose, cannot be tested"),
        "moved towards contractual, larger than chance variation": _(
            "moved towards contractual, larger than chance variation"
        ),
        "moved towards contractual, not distinguishable from chance": _(
            "moved towards contractual, not distinguishable from chance"
        ),
        "moved towards contractual, cannot be tested": _(
            "moved towards contractual, cannot be tested"
        ),
        "no change, larger than chance variation": _("no change, larger than chance variation"),
        "no change, not distinguishable from chance": _(
            "no change, not distinguishable from chance"
        ),
        "no change, cannot be tested": _("no change, cannot be tested"),
        "further towards purpose, larger than chance variation": _(
            "further towards purpose, larger than chance variation"
        ),
        "further towards purpose, not distinguishable from chance": _(
            "further towards purpose, not distinguishable from chance"
        ),
        "further towards purpose, cannot be tested": _("further towards purpose, cannot be tested"),
        "further towards contractual, larger than chance variation": _(
            "further towards contractual, larger than chance variation"
        ),
        "further towards contractual, not distinguishable from chance": _(
            "further towards contractual, not distinguishable from chance"
        ),
        "further towards contractual, cannot be tested": _(
            "further towards contractual, cannot be tested"
        ),
        "the same, larger than chance variation": _("the same, larger than chance variation"),
        "the same, not distinguishable from chance": _("the same, not distinguishable from chance"),
        "the same, cannot be tested": _("the same, cannot be tested"),
        "too few answers to tell": _("too few answers to tell"),
    }
    return labels.get(label, label)


def evidence_words(evidence: str) -> str:
    """What a test says of a change (the evidence part of a verdict), in the reader's language."""
    return {
        BEYOND_CHANCE: _("larger than chance variation"),
        WITHIN_CHANCE: _("not distinguishable from chance"),
        NOT_TESTABLE: _("cannot be tested"),
        TOO_FEW: _("too few answers to tell"),
    }.get(evidence, evidence)


def measure_name(measure: object) -> object:
    """The name of a stored measure (the index, the climate, the index on shared items, a
    dimension) as a person reads it; anything else as it is."""
    if measure == INDEX:
        return _("Mindset index")
    if measure == CLIMATE:
        return _("Management climate, as reps see it")
    shared = _SHARED.match(measure) if isinstance(measure, str) else None
    if shared:
        return _(
            "Mindset index on the items versions %(low)s and %(high)s share",
            low=shared.group(1),
            high=shared.group(2),
        )
    return dimension_name(measure) if isinstance(measure, str) else measure


def target_label(label: str) -> str:
    """A WHY-ladder target's label as releases store it (the source wording) in the reader's
    language; else as it is."""
    if label == NONE_OF_THESE.label:
        return _("None of these")
    code = language()
    for questionnaire in all_questionnaires().values():
        if questionnaire.ladder is None:
            continue
        shown = questionnaire.in_language(code).ladder
        for source, translated in zip(questionnaire.ladder.targets, shown.targets, strict=True):
            if source.label == label:
                return translated.label
    return label


def dimension_name(name: str) -> str:
    """A dimension's name as releases store it (the questionnaire's source wording) in the
    reader's language, from the installed questionnaires' translations; else as it is."""
    code = language()
    for questionnaire in all_questionnaires().values():
        translated = questionnaire.in_language(code)
        for source, shown in zip(questionnaire.dimensions, translated.dimensions, strict=True):
            if source.name == name:
                return shown.name
    return name


def shown_value(value: object, column: str) -> object:
    """A stored value of a section's table as a person reads it in the ``column`` it sits in:
    a verdict, a measure's name, what a dimension is compared with, a test's name. Numbers,
    team and wave names, and words the release does not write pass as they are."""
    if not isinstance(value, str):
        return value
    if column == "verdict":
        return verdict_words(value)
    if column in ("reason", "why_not_paired", "reliable_change_note"):
        return reason_words(value)
    if column in ("measure", "dimension"):
        return measure_name(value)
    if column == "rung":
        return target_label(value)
    if column == "against" and value == REST:
        return _("rest of the organisation")
    if column == "test":
        return {
            WELCH: _("Welch's t-test (independent samples)"),
            PAIRED: _("paired t-test (the same people in both waves)"),
            TREND: _("linear trend (least squares over the waves)"),
        }.get(value, value)
    return value


_REASONS = (
    (re.compile(r"^fewer than (?P<k>\d+) answers$"), "few"),
    (re.compile(r"^fewer than (?P<k>\d+) managers answered$"), "few_managers"),
    (re.compile(r"^fewer than (?P<k>\d+) people answered both waves$"), "few_pairs"),
    (re.compile(r"^managers' answers (?P<reason>.+)$"), "managers"),
    (
        re.compile(
            r"^how many changed reliably is shown only when each of the three groups \(towards "
            r"purpose, towards contractual, no reliable change\) has (?P<k>\d+) or more people$"
        ),
        "rci",
    ),
    (
        re.compile(
            r"^hidden together with (?P<names>.+), which has (?P<small>fewer than \d+ answers); "
            r"shown when (?P=names) has (?P<k>\d+) or more$"
        ),
        "together",
    ),
    (re.compile(r"^(?P<reason>.+) in wave (?P<wave>.+)$"), "in_wave"),
)


def reason_words(reason: object) -> object:
    """Why a group is hidden, as a release stored it (in English), in the reader's language;
    a reason in no known form as it is."""
    if not isinstance(reason, str):
        return reason
    fixed = {
        "no answers": _("no answers"),
        COMPLEMENTARY: _("hidden so that a smaller group cannot be worked out"),
        NOT_IN_TREE: _("not part of the organisation when this wave was released"),
        "no manager questionnaire": _("no manager questionnaire"),
        NO_FINAL_BEFORE: _("the previous wave has no final release"),
        HIDDEN_BEFORE: _("not shown in the previous wave"),
        HIDDEN_NOW: _("not shown in this wave"),
        WITHHELD: _("not shown, so that answers cannot be worked out"),
        SAME_FOR_ALL: _("not shown: everyone's change is the same, so it would show each person's"),
        VERSION_CHANGED: _(
            "the questionnaire changed between the waves, and one person's answers to "
            "different questions are not compared"
        ),
        "the index has no spread in the previous wave": _(
            "the index has no spread in the previous wave"
        ),
    }
    if reason in fixed:
        return fixed[reason]
    for pattern, kind in _REASONS:
        found = pattern.match(reason)
        if found is None:
            continue
        parts = found.groupdict()
        if kind == "few":
            return _("fewer than %(k)s answers", k=parts["k"])
        if kind == "few_managers":
            return _("fewer than %(k)s managers answered", k=parts["k"])
        if kind == "few_pairs":
            return _("fewer than %(k)s people answered both waves", k=parts["k"])
        if kind == "rci":
            return _(
                "how many changed reliably is shown only when each of the three groups (towards "
                "purpose, towards contractual, no reliable change) has %(k)s or more people",
                k=parts["k"],
            )
        if kind == "managers":
            return _("managers' answers %(reason)s", reason=reason_words(parts["reason"]))
        if kind == "together":
            return _(
                "hidden together with %(names)s, which has %(small)s; shown when %(names)s has "
                "%(k)s or more",
                names=parts["names"],
                small=reason_words(parts["small"]),
                k=parts["k"],
            )
        return _(
            "%(reason)s in wave %(wave)s", reason=reason_words(parts["reason"]), wave=parts["wave"]
        )
    return reason
