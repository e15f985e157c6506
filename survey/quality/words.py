"""Plain sentences for the figures of an instrument quality page: what the numbers say."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from analysis.factor_model import FitIndices
from analysis.invariance import (
    CFI_DROP,
    GOOD_CFI,
    GOOD_RMSEA,
    RMSEA_RISE,
    SRMR_RISE,
    InvarianceResult,
)
from questionnaires import Questionnaire

# (label, attribute, the better side, Hu & Bentler's 1999 cut-off for good fit)
CUTOFFS = (
    ("CFI", "cfi", "at least", 0.95),
    ("TLI", "tli", "at least", 0.95),
    ("RMSEA", "rmsea", "at most", 0.06),
    ("SRMR", "srmr", "at most", 0.08),
)
ESSENTIALLY_ONE = 0.80
"""Omega hierarchical from which a total score reads as essentially one dimension: Rodriguez,
Reise & Haviland (2016), Psychological Methods 21(2), 137-150."""
STEP_NAMES = {"configural": _l("configural"), "metric": _l("metric"), "scalar": _l("scalar")}
"""The invariance steps (``analysis.invariance.LEVELS``) as a page names them."""


def _met(fit: FitIndices, attribute: str) -> bool:
    """Whether one index meets Hu & Bentler's (1999) cut-off."""
    side, cutoff = next((side, cut) for _, name, side, cut in CUTOFFS if name == attribute)
    value = getattr(fit, attribute)
    return value >= cutoff if side == "at least" else value <= cutoff


def _rule(label: str, side: str, cutoff: float) -> str:
    if side == "at least":
        return _("%(index)s at least %(cutoff)s", index=label, cutoff=format(cutoff, ".2f"))
    return _("%(index)s at most %(cutoff)s", index=label, cutoff=format(cutoff, ".2f"))


def fit_sentence(fit: FitIndices) -> str:
    """Which indices meet Hu & Bentler's (1999) cut-offs, in words."""
    met = [label for label, name, _side, _cut in CUTOFFS if _met(fit, name)]
    missed = [label for label, name, _side, _cut in CUTOFFS if not _met(fit, name)]
    rules = ", ".join(_rule(label, side, cutoff) for label, _name, side, cutoff in CUTOFFS)
    if not missed:
        verdict = _("all four indices meet them: by these rules of thumb the model fits well")
    elif not met:
        verdict = _("none of the four meets them: the model does not describe the answers well")
    else:
        named = {"met": _listed(met), "missed": _listed(missed)}
        if len(met) == 1 and len(missed) == 1:
            verdict = _("%(met)s meets them, %(missed)s does not: the fit is mixed", **named)
        elif len(met) == 1:
            verdict = _("%(met)s meets them, %(missed)s do not: the fit is mixed", **named)
        elif len(missed) == 1:
            verdict = _("%(met)s meet them, %(missed)s does not: the fit is mixed", **named)
        else:
            verdict = _("%(met)s meet them, %(missed)s do not: the fit is mixed", **named)
    return _(
        "Hu and Bentler's (1999) cut-offs for good fit are %(rules)s; %(verdict)s. They are rules "
        "of thumb from simulations, not tests: read them together with the loadings.",
        rules=rules,
        verdict=verdict,
    )


def general_sentence(omega_h: float) -> str:
    """What omega hierarchical says about the index, in words."""
    share = round(100 * omega_h)
    cutoff = f"{ESSENTIALLY_ONE:.2f}"
    if omega_h >= ESSENTIALLY_ONE:
        return _(
            "About %(share)s%% of the differences between people's totals over these items come "
            "from one general mindset behind all six dimensions; the rest is specific to a "
            "dimension or error. Rodriguez, Reise and Haviland (2016) read %(cutoff)s or more as "
            "essentially one dimension, so the index reads as essentially one general mindset.",
            share=share,
            cutoff=cutoff,
        )
    return _(
        "About %(share)s%% of the differences between people's totals over these items come "
        "from one general mindset behind all six dimensions; the rest is specific to a "
        "dimension or error. Rodriguez, Reise and Haviland (2016) read %(cutoff)s or more as "
        "essentially one dimension, so the index mixes the general mindset with what is specific "
        "to each dimension.",
        share=share,
        cutoff=cutoff,
    )


def change_sentence(result: InvarianceResult) -> str:
    """What the invariance steps say about reading change across the waves: only whether the
    fit indices signal that the items work differently, never that a change is one of mindset."""
    if not all(step.converged for step in result.steps):
        return _(
            "A model of the sequence did not converge, so this test cannot tell whether the "
            "items work alike in every wave."
        )
    configural, metric, scalar = result.steps
    if not configural.holds:
        return _(
            "The six dimensions do not fit the waves well even with every parameter free, so "
            "this test cannot tell whether the items work alike in every wave: read a change "
            "in scores between them with caution."
        )
    if not metric.holds:
        return _(
            "The fit indices signal that the items relate to the dimensions differently in "
            "different waves, so part of a change in scores between them may come from the "
            "items changing their meaning."
        )
    if not scalar.holds:
        return _(
            "The items relate to the dimensions alike, but the fit indices signal that some are "
            "answered higher or lower in one wave at the same standing on the dimensions, so "
            "part of a change in scores between the waves may come from the items."
        )
    return _(
        "The fit indices do not signal that the items work differently across the waves, so a "
        "change in scores between them is not explained by the items changing their meaning, "
        "as far as this test can tell."
    )


def invariance_rule() -> str:
    """The rule each step is judged by, in words (``analysis.invariance``)."""
    return _(
        "The metric or scalar step fails when CFI drops by %(cfi_drop)s or more and, with "
        "it, RMSEA rises by %(rmsea_rise)s or more or SRMR by %(srmr_metric)s "
        "(metric) or %(srmr_scalar)s (scalar) or more (Chen 2007); the configural "
        "step holds with CFI at least %(good_cfi)s and RMSEA at most %(good_rmsea)s (Hu & "
        "Bentler 1999).",
        cfi_drop=format(-CFI_DROP, ".3f"),
        rmsea_rise=format(RMSEA_RISE, ".3f"),
        srmr_metric=format(SRMR_RISE["metric"], ".3f"),
        srmr_scalar=format(SRMR_RISE["scalar"], ".3f"),
        good_cfi=format(GOOD_CFI, ".2f"),
        good_rmsea=format(GOOD_RMSEA, ".2f"),
    )


def step_name(level: str) -> str:
    """An invariance step (``configural``, ``metric``, ``scalar``) as the page names it."""
    return str(STEP_NAMES.get(level, level))


def audience_note(questionnaire: Questionnaire) -> str:
    """``"reps-v1, for reps"``: a questionnaire's key and whom it asks."""
    if questionnaire.audience == "manager":
        return _("%(key)s, for managers", key=questionnaire.key)
    return _("%(key)s, for reps", key=questionnaire.key)


def _listed(labels: list[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return _("%(first)s and %(last)s", first=", ".join(labels[:-1]), last=labels[-1])
