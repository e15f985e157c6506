"""The figures of an instrument quality page, computed from a :class:`Sample` by ``analysis/``.

One part per questionnaire version and role; within it one block per set of items scored
together: the reps' own stance (the index, with the climate items as a scale of their own), or
a manager's view of themselves and of their team. Per block: alpha, omega and item statistics
per scale, the six-factor and second-order CFAs, invariance across waves and the precision of
a person's index. A figure is computed only from the documented number of answers on (the
``MIN_*`` constants), and never from fewer than the sample's ``k``; otherwise its place says
why not.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from flask_babel import lazy_gettext as _l

from analysis.factor_model import CfaResult, fit_cfa
from analysis.invariance import InvarianceResult, measurement_invariance
from analysis.omega import OmegaResult, omega_coefficients
from analysis.reliability import AlphaResult, scale_reliability
from analysis.response_quality import FlagCounts, count_flags
from questionnaires import Questionnaire
from survey.aggregates.measures import CLIMATE
from survey.final_answers import Sample
from survey.index_precision import MIN_PRECISION, IndexPrecision, precision_of
from survey.scoring import questionnaire_flags

MIN_SCALE = 30
"""Answers needed for alpha and omega: below about 30, both swing widely between samples
(Yurdugul 2008, "Minimum sample size for Cronbach's coefficient alpha: a Monte-Carlo study",
Hacettepe University Journal of Education 35, 397-405, found 30 enough only when the items
share a strong common factor; read figures from fewer than 100 answers as rough)."""
MIN_CFA = 200
"""Complete answers needed for a confirmatory factor analysis, and per wave for invariance:
Kline (2016), Principles and Practice of Structural Equation Modeling, 4th ed., ch. 1, takes
200 as a typical SEM sample and below 100 as small; Wolf, Harrington, Clark & Miller (2013),
Educational and Psychological Measurement 73(6), 913-934, found CFA models needing from 30 to
460 cases depending on loadings and factors."""
ACCEPTABLE_ALPHA = 0.70
"""The least alpha for research on groups: Nunnally (1978), Psychometric Theory, 2nd ed. (as
the report flags scales)."""
WEAK_ITEM_TOTAL = 0.30
"""Corrected item-total r below which an item is flagged: Field (2005), Discovering Statistics
Using SPSS, 2nd ed. (as the report flags statements)."""
WEAK_LOADING = 0.40
"""Standardised loading below which an item is flagged: a common rule of thumb (Stevens 2009,
Applied Multivariate Statistics for the Social Sciences, 5th ed., interprets loadings above
.40)."""
GENERAL = "general mindset"
BLOCK_TITLES = {
    ("rep", "self"): _l("Reps' own stance (the mindset index)"),
    ("manager", "self"): _l("Managers' own stance"),
    ("manager", "team"): _l("Managers' view of their team"),
}
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ItemFigures:
    id: str
    text: str
    reversed: bool
    corrected_item_total: float  # NaN where undefined
    alpha_if_dropped: float
    not_applicable: float | None  # share answered "does not apply"; None: not offered


@dataclass(frozen=True)
class ScaleFigures:
    """One scale's reliability: alpha (None below ``minimum`` answers, ``n`` being alpha's)
    and omega (None below ``minimum`` complete answers, ``omega_n``, or for ``omega_problem``)."""

    name: str
    n: int
    minimum: int
    alpha: AlphaResult | None
    omega: float | None
    omega_n: int
    omega_problem: str | None
    items: tuple[ItemFigures, ...]


@dataclass(frozen=True)
class FactorFigures:
    """The six-factor and second-order CFAs of a block: None below ``minimum`` complete
    answers (``n``), or with the ``problem`` that kept them from being shown."""

    n: int
    minimum: int
    correlated: CfaResult | None
    second_order: CfaResult | None
    problem: str | None


@dataclass(frozen=True)
class InvarianceFigures:
    """Invariance across the waves with ``minimum`` complete answers or more (None with fewer
    than two such waves, or with the ``problem`` that kept it from being shown)."""

    waves: tuple[tuple[str, int], ...]
    minimum: int
    result: InvarianceResult | None
    problem: str | None


@dataclass(frozen=True)
class GeneralFactorFigures:
    """psych's ``omega()`` over all the block's own items (exploratory, one group factor per
    dimension): None below ``minimum`` answers, or with the ``problem`` that kept it out."""

    n: int  # responses with at least half the items answered
    minimum: int
    result: OmegaResult | None
    problem: str | None


@dataclass(frozen=True)
class BlockFigures:
    title: str
    scales: tuple[ScaleFigures, ...]
    factors: FactorFigures
    general: GeneralFactorFigures
    invariance: InvarianceFigures | None  # None: not asked for (pooled pages)
    precision: IndexPrecision  # as on the rep's result page (the pooled page's, there)


@dataclass(frozen=True)
class PartFigures:
    """One questionnaire version's figures; ``blocks`` empty when ``n`` is below ``k``."""

    title: str
    key: str
    version: int
    role: str
    k: int
    n: int
    waves: tuple[tuple[str, int], ...]
    too_few: tuple[str, ...]
    erased: int
    assessments: int
    flags: FlagCounts | None
    long_string_cutoff: int | None
    even_odd_cutoff: float | None  # None: the even-odd index flags nobody
    careless_left_out: int
    blocks: tuple[BlockFigures, ...]


def part_figures(sample: Sample, *, across_waves: bool) -> PartFigures:
    """Every figure of one part; ``across_waves``: test invariance across its waves."""
    questionnaire = sample.questionnaire
    answers = sample.answers
    flags = None
    cutoffs: tuple[int | None, float | None] = (None, None)
    blocks: tuple[BlockFigures, ...] = ()
    if sample.n:
        found = questionnaire_flags(answers, questionnaire)
        flags = count_flags(found)
        cutoffs = (found.long_string_cutoff, found.even_odd_cutoff)
        blocks = tuple(
            _block(sample, perspective, across_waves) for perspective in _perspectives(sample)
        )
    return PartFigures(
        title=questionnaire.title,
        key=questionnaire.key,
        version=questionnaire.version,
        role=sample.role,
        k=sample.k,
        n=sample.n,
        waves=tuple((wave.name, wave.answers.shape[0]) for wave in sample.waves),
        too_few=sample.too_few,
        erased=sample.erased,
        assessments=sample.assessments,
        flags=flags,
        long_string_cutoff=cutoffs[0],
        even_odd_cutoff=cutoffs[1],
        careless_left_out=sample.careless_left_out,
        blocks=blocks,
    )


def needs_factor_models(sample: Sample) -> bool:
    """Whether some block has enough complete answers for the CFAs (the slow figures)."""
    answers = sample.answers
    return any(
        _complete(answers[:, _columns(sample.questionnaire, perspective)]) >= max(MIN_CFA, sample.k)
        for perspective in _perspectives(sample)
    )


def _perspectives(sample: Sample) -> list[str]:
    """The item sets scored as six dimensions: all but the climate items."""
    kinds = [item.perspective for item in sample.questionnaire.items]
    return [kind for kind in dict.fromkeys(kinds) if kind != "climate"]


def _columns(questionnaire: Questionnaire, perspective: str) -> list[int]:
    return [i for i, item in enumerate(questionnaire.items) if item.perspective == perspective]


def _complete(answers: np.ndarray) -> int:
    return int((~np.isnan(answers).any(axis=1)).sum())


def _keyed(answers: np.ndarray, questionnaire: Questionnaire, columns: list[int]) -> pd.DataFrame:
    """The answers to ``columns``, reverse-keyed ones reflected, one column per item id."""
    scale = questionnaire.scale
    flip = np.asarray(questionnaire.reversed_mask())[columns]
    chosen = answers[:, columns]
    keyed = np.where(flip, scale.min + scale.max - chosen, chosen)
    return pd.DataFrame(keyed, columns=[questionnaire.items[i].id for i in columns])


def _block(sample: Sample, perspective: str, across_waves: bool) -> BlockFigures:
    questionnaire = sample.questionnaire
    answers = sample.answers
    columns = _columns(questionnaire, perspective)
    dimension = np.asarray(questionnaire.item_dimension_index())
    names = [d.name for d in questionnaire.dimensions]
    scales = _scales(sample, columns, dimension[columns], names)
    if perspective == "self" and questionnaire.has_climate:
        climate = _columns(questionnaire, "climate")
        scales += _scales(sample, climate, np.zeros(len(climate), dtype=np.int64), [CLIMATE])
    factors = {
        name: [questionnaire.items[i].id for i in columns if dimension[i] == code]
        for code, name in enumerate(names)
    }
    keyed = _keyed(answers, questionnaire, columns)
    return BlockFigures(
        title=BLOCK_TITLES.get((sample.role, perspective), perspective),
        scales=tuple(scales),
        factors=_factor_models(keyed, factors, sample.k),
        general=_general_factor(keyed, len(names), sample.k),
        invariance=_invariance(sample, keyed, factors) if across_waves else None,
        precision=precision_of(sample, perspective),
    )


def _scales(
    sample: Sample, columns: list[int], codes: np.ndarray, names: list[str]
) -> list[ScaleFigures]:
    questionnaire = sample.questionnaire
    answers = sample.answers[:, columns]
    minimum = max(MIN_SCALE, sample.k)
    results = scale_reliability(
        answers,
        codes,
        len(names),
        reversed_items=np.asarray(questionnaire.reversed_mask())[columns],
    )
    scales = []
    for code, (name, result) in enumerate(zip(names, results, strict=True)):
        mine = [column for column, c in zip(columns, codes, strict=True) if c == code]
        items = tuple(
            ItemFigures(
                id=item.id,
                text=item.text,
                reversed=item.reversed,
                corrected_item_total=stats.corrected_item_total,
                alpha_if_dropped=stats.alpha_if_dropped,
                not_applicable=(
                    float(np.isnan(sample.answers[:, column]).mean())
                    if item.not_applicable
                    else None
                ),
            )
            for column, item, stats in zip(
                mine, (questionnaire.items[c] for c in mine), result.items, strict=True
            )
        )
        keyed = _keyed(sample.answers, questionnaire, mine)
        omega_n = _complete(keyed.to_numpy())
        omega, problem = _omega(keyed, name) if omega_n >= minimum else (None, None)
        scales.append(
            ScaleFigures(
                name,
                result.n_used,
                minimum,
                result if result.n_used >= minimum else None,
                omega,
                omega_n,
                problem,
                items,
            )
        )
    return scales


def _omega(keyed: pd.DataFrame, name: str) -> tuple[float | None, str | None]:
    """Omega total of one scale from a one-factor CFA of its items (McDonald 1999)."""
    try:
        fitted = fit_cfa(keyed, {name: list(keyed.columns)})
    except Exception as error:  # any failure of a fit is shown, not raised
        return None, _failed(_l("the model could not be fitted"), error)
    problem = _improper(fitted)
    return (None, problem) if problem else (fitted.omega[name], None)


def _general_factor(keyed: pd.DataFrame, n_groups: int, k: int) -> GeneralFactorFigures:
    """Omega hierarchical and total as psych's ``omega()`` finds them (Schmid-Leiman on an
    exploratory solution), from pairwise correlations: no model needs to be specified."""
    matrix = keyed.to_numpy(dtype=np.float64)
    n = int((np.isnan(matrix).mean(axis=1) <= 0.5).sum()) if matrix.size else 0
    minimum = max(MIN_PRECISION, k)
    if n < minimum:
        return GeneralFactorFigures(n, minimum, None, None)
    try:
        return GeneralFactorFigures(n, minimum, omega_coefficients(matrix, n_groups), None)
    except Exception as error:
        return GeneralFactorFigures(
            n, minimum, None, _failed(_l("it could not be computed"), error)
        )


def _factor_models(keyed: pd.DataFrame, factors: dict[str, list[str]], k: int) -> FactorFigures:
    n = _complete(keyed.to_numpy())
    minimum = max(MIN_CFA, k)
    if n < minimum:
        return FactorFigures(n, minimum, None, None, None)
    try:
        correlated = fit_cfa(keyed, factors)
        second = fit_cfa(keyed, factors, structure="second_order", general=GENERAL)
    except Exception as error:
        problem = _failed(_l("the model could not be fitted"), error)
        return FactorFigures(n, minimum, None, None, problem)
    problem = _improper(correlated) or _improper(second)
    if problem:
        return FactorFigures(n, minimum, None, None, problem)
    return FactorFigures(n, minimum, correlated, second, None)


def _improper(fitted: CfaResult) -> str | None:
    if not fitted.converged:
        return _l("the model did not converge, so its estimates cannot be trusted")
    if fitted.boundary_variances:
        return _l(
            "the solution is improper (a variance at zero: %(variances)s), so its estimates "
            "cannot be trusted",
            variances=", ".join(fitted.boundary_variances),
        )
    return None


def _invariance(
    sample: Sample, keyed: pd.DataFrame, factors: dict[str, list[str]]
) -> InvarianceFigures:
    minimum = max(MIN_CFA, sample.k)
    labelled = keyed.assign(
        wave=np.repeat(
            [wave.name for wave in sample.waves], [wave.answers.shape[0] for wave in sample.waves]
        )
    )
    complete = labelled.dropna()
    sizes = complete.groupby("wave", sort=False).size()
    enough = tuple((str(name), int(n)) for name, n in sizes.items() if n >= minimum)
    if len(enough) < 2:
        return InvarianceFigures(enough, minimum, None, None)
    chosen = complete[complete["wave"].isin([name for name, _ in enough])]
    try:
        result = measurement_invariance(chosen, factors, "wave")
    except Exception as error:
        return InvarianceFigures(
            enough, minimum, None, _failed(_l("the models could not be fitted"), error)
        )
    return InvarianceFigures(enough, minimum, result, None)


def _failed(what, error: Exception):
    """Why a fit failed, for the page; called in the ``except`` block. The analysis functions'
    own errors (data they cannot fit) are named; any other goes to the log with its trace."""
    if isinstance(error, ValueError | np.linalg.LinAlgError):
        logger.warning("instrument quality: %s: %s", what, error)
        return _l("%(what)s (%(error)s)", what=what, error=str(error))
    logger.exception("instrument quality: %s", what)
    return what
