"""Plain sentences for the figures of an instrument quality page: what the numbers say."""

from __future__ import annotations

from analysis.factor_model import FitIndices
from analysis.invariance import (
    CFI_DROP,
    GOOD_CFI,
    GOOD_RMSEA,
    RMSEA_RISE,
    SRMR_RISE,
    InvarianceResult,
)

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


def _met(fit: FitIndices, attribute: str) -> bool:
    """Whether one index meets Hu & Bentler's (1999) cut-off."""
    side, cutoff = next((side, cut) for _, name, side, cut in CUTOFFS if name == attribute)
    value = getattr(fit, attribute)
    return value >= cutoff if side == "at least" else value <= cutoff


def fit_sentence(fit: FitIndices) -> str:
    """Which indices meet Hu & Bentler's (1999) cut-offs, in words."""
    met = [label for label, name, _, _ in CUTOFFS if _met(fit, name)]
    missed = [label for label, name, _, _ in CUTOFFS if not _met(fit, name)]
    rules = ", ".join(f"{label} {side} {cutoff:.2f}" for label, _, side, cutoff in CUTOFFS)
    if not missed:
        verdict = "all four indices meet them: by these rules of thumb the model fits well"
    elif not met:
        verdict = "none of the four meets them: the model does not describe the answers well"
    else:
        verdict = (
            f"{_listed(met)} meet{'s' if len(met) == 1 else ''} them, {_listed(missed)} "
            f"do{'es' if len(missed) == 1 else ''} not: the fit is mixed"
        )
    return (
        f"Hu and Bentler's (1999) cut-offs for good fit are {rules}; {verdict}. They are rules "
        "of thumb from simulations, not tests: read them together with the loadings."
    )


def general_sentence(omega_h: float) -> str:
    """What omega hierarchical says about the index, in words."""
    share = round(100 * omega_h)
    reading = (
        "so the index reads as essentially one general mindset"
        if omega_h >= ESSENTIALLY_ONE
        else "so the index mixes the general mindset with what is specific to each dimension"
    )
    return (
        f"About {share}% of the differences between people's totals over these items come from "
        f"one general mindset behind all six dimensions; the rest is specific to a dimension "
        f"or error. Rodriguez, Reise and Haviland (2016) read {ESSENTIALLY_ONE:.2f} or more as "
        f"essentially one dimension, {reading}."
    )


def change_sentence(result: InvarianceResult) -> str:
    """What the invariance steps say about reading change across the waves: only whether the
    fit indices signal that the items work differently, never that a change is one of mindset."""
    if not all(step.converged for step in result.steps):
        return (
            "A model of the sequence did not converge, so this test cannot tell whether the "
            "items work alike in every wave."
        )
    configural, metric, scalar = result.steps
    if not configural.holds:
        return (
            "The six dimensions do not fit the waves well even with every parameter free, so "
            "this test cannot tell whether the items work alike in every wave: read a change "
            "in scores between them with caution."
        )
    if not metric.holds:
        return (
            "The fit indices signal that the items relate to the dimensions differently in "
            "different waves, so part of a change in scores between them may come from the "
            "items changing their meaning."
        )
    if not scalar.holds:
        return (
            "The items relate to the dimensions alike, but the fit indices signal that some are "
            "answered higher or lower in one wave at the same standing on the dimensions, so "
            "part of a change in scores between the waves may come from the items."
        )
    return (
        "The fit indices do not signal that the items work differently across the waves, so a "
        "change in scores between them is not explained by the items changing their meaning, "
        "as far as this test can tell."
    )


def invariance_rule() -> str:
    """The rule each step is judged by, in words (``analysis.invariance``)."""
    return (
        f"The metric or scalar step fails when CFI drops by {-CFI_DROP:.3f} or more and, with "
        f"it, RMSEA rises by {RMSEA_RISE:.3f} or more or SRMR by {SRMR_RISE['metric']:.3f} "
        f"(metric) or {SRMR_RISE['scalar']:.3f} (scalar) or more (Chen 2007); the configural "
        f"step holds with CFI at least {GOOD_CFI:.2f} and RMSEA at most {GOOD_RMSEA:.2f} (Hu & "
        "Bentler 1999)."
    )


def _listed(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
