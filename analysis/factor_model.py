"""Confirmatory factor analysis of a questionnaire: does each dimension's set of items measure
one factor, and do the factors hang together under a general mindset factor?

:func:`fit_cfa` fits the model by maximum likelihood with semopy (Meshcheryakov, Igolkina &
Samsonova 2021, "semopy 2", arXiv:2106.01140) and computes every fit index itself, as lavaan
0.6 computes them (Rosseel 2012, Journal of Statistical Software 48(2)), so that the numbers
can be checked against lavaan's published output:

- ``chi2 = N F_ML`` with ``F_ML = log|Sigma| - log|S| + tr(S Sigma^-1) - p`` and ``S`` the
  covariance matrix with divisor ``N`` (lavaan's ``likelihood = "normal"``);
- CFI (Bentler 1990) and TLI (Tucker & Lewis 1973) against the independence model, whose
  ML statistic has the closed form ``N (sum log s_ii - log|S|)`` on ``p (p - 1) / 2`` df;
- RMSEA ``sqrt(max(0, (chi2 - df) / (N df)))`` (Steiger & Lind 1980) and its 90% interval by
  inverting the noncentral chi-square distribution (Browne & Cudeck 1993; MacCallum, Browne &
  Sugawara 1996), as lavaan's ``lav_fit_rmsea_ci`` does;
- SRMR, Bentler's variant that lavaan reports as ``srmr`` for ML: the root mean square of the
  residual covariances ``(s_ij - sigma_ij) / sqrt(s_ii s_jj)`` over the ``p (p + 1) / 2``
  distinct elements, the diagonal included (Hu & Bentler 1999; Bentler 1995, EQS manual).

**Why ML on Pearson covariances and not polychoric DWLS.** The items are 7-point Likert
answers; Rhemtulla, Brosseau-Liard & Savalei (2012, Psychological Methods 17(3), 354-373) found
that with five or more categories continuous ML is as good as or better than categorical
estimation for fit and loadings, and the usual cut-offs (Hu & Bentler 1999) were calibrated on
ML. semopy 2.3.11 offers no usable ordinal route: its ``hetcor`` (polychoric correlations) fails
under numpy 2 (``np.ma.corrcoef`` no longer takes ``bias``) and under pandas 3 (it indexes a
transposed frame by column name), and its DWLS weights are the fourth moments of the raw
products, not the asymptotic covariances of polychoric correlations, so its chi-square would
not be lavaan's WLSMV statistic. ``estimator`` is therefore always ``"ML"``.

Respondents with any missing answer among the model's items are left out (listwise deletion);
``n`` counts the others. Factors are identified by fixing each factor's first item's loading
to 1 (lavaan's default marker method); semopy bounds variances below by 0, so an improper
solution shows as a variance at 0, listed in ``boundary_variances``.
"""

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import chdtrc, chndtr

STRUCTURES = ("correlated", "second_order", "bifactor")
FTOL = 1e-12
"""SLSQP's tolerance: semopy's default stops early (HS loading 0.731 where lavaan has 0.729)."""


@dataclass(frozen=True)
class FitIndices:
    """Global fit of a covariance structure model (see the module docstring for formulas)."""

    chi2: float
    df: int
    p_value: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci: tuple[float, float]
    srmr: float


@dataclass(frozen=True)
class CfaResult:
    """A fitted confirmatory factor model.

    Attributes
    ----------
    n : int
        Respondents used (those who answered every item of the model).
    estimator : str
        ``"ML"``: maximum likelihood on the covariance matrix.
    structure : str
        ``"correlated"``, ``"second_order"`` or ``"bifactor"``.
    loadings : mapping
        Standardised loadings (lavaan's ``std.all``), item -> factor -> value; under
        ``"bifactor"`` each item also loads on the general factor.
    general_loadings : mapping
        Under ``"second_order"``, the standardised loading of each factor on the general
        factor; empty otherwise.
    fit : FitIndices
        chi2, df, p, CFI, TLI, RMSEA with its 90% interval, SRMR.
    omega : mapping
        McDonald's omega total of each factor's items (their keyed, unit-weighted sum of
        standardised items), from the model: ``1 - sum theta*_i / s'R s``.
    omega_total : float
        The same for all items together.
    omega_hierarchical : float
        Share of the variance of the sum of all items due to the general factor (NaN under
        ``"correlated"``).
    converged : bool
        Whether the optimiser reported success and the estimates are finite.
    boundary_variances : tuple of str
        Factors and items whose variance estimate sits at the bound 0 (an improper solution).
    """

    n: int
    estimator: str
    structure: str
    loadings: Mapping[str, Mapping[str, float]]
    general_loadings: Mapping[str, float]
    fit: FitIndices
    omega: Mapping[str, float]
    omega_total: float
    omega_hierarchical: float
    converged: bool
    boundary_variances: tuple[str, ...]


def fit_cfa(
    answers: pd.DataFrame,
    factors: Mapping[str, Sequence[str]],
    *,
    structure: str = "correlated",
    general: str = "general",
) -> CfaResult:
    """Fit a confirmatory factor model to item answers by maximum likelihood.

    Parameters
    ----------
    answers : pandas.DataFrame
        Responses x items, numeric, NaN for a missing (or "not applicable") answer; other
        columns are ignored. Pass keyed answers so that loadings come out positive.
    factors : mapping of str to sequence of str
        Each factor's items (column names), at least two per factor, no item in two factors.
    structure : {"correlated", "second_order", "bifactor"}
        ``"correlated"``: factors freely correlated. ``"second_order"``: a general factor
        explains the correlations of the factors (needs at least 3 factors). ``"bifactor"``:
        every item loads on a general factor and on its own factor, all factors uncorrelated.
    general : str
        Name of the general factor, distinct from the factors' names.

    Returns
    -------
    CfaResult

    Raises
    ------
    ValueError
        For an unknown structure, a missing or non-numeric column, a factor with fewer than two
        items, an item in two factors, or fewer complete responses than items + 1.

    Notes
    -----
    Fit indices follow lavaan 0.6 (formulas in the module docstring). Reproduces lavaan's
    ``cfa(HS.model, data = HolzingerSwineford1939)`` (chi2 85.306 on 24 df, CFI .931, TLI .896,
    RMSEA .092 [.071, .114], SRMR .065). Omega: McDonald (1999), Test Theory, eq. 6.20b, on
    the standardised model-implied correlations; for the general factor Zinbarg, Revelle,
    Yovel & Li (2005), Psychometrika 70(1), omega hierarchical.
    """
    if structure not in STRUCTURES:
        raise ValueError(f"structure must be one of {', '.join(STRUCTURES)}, got {structure!r}")
    items, membership = _factor_items(answers, factors, general)
    if structure == "second_order" and len(factors) < 3:
        raise ValueError(f"a second-order model needs at least 3 factors, got {len(factors)}")
    data = _complete_rows(answers, items)
    n, p = data.shape
    if n <= p:
        raise ValueError(
            f"{n} responses answered every item, too few for {p} items: need at least {p + 1}"
        )
    names = list(factors)
    description = _semopy_description(membership, len(names), structure)
    frame = pd.DataFrame(data, columns=[f"v{i}" for i in range(p)])
    model, success = _semopy_fit(description, frame)

    sample = np.cov(data, rowvar=False, bias=True)
    lam, beta, psi, theta, latent = _matrices(model, p)
    inverse = np.linalg.inv(np.eye(beta.shape[0]) - beta)
    latent_cov = inverse @ psi @ inverse.T
    implied = lam @ latent_cov @ lam.T + theta
    n_free = int(np.count_nonzero([param.active for param in model.parameters.values()]))
    fit = fit_indices(sample, implied, n, p * (p + 1) // 2 - n_free)

    sd = np.sqrt(np.diag(implied))
    latent_sd = np.sqrt(np.clip(np.diag(latent_cov), 0.0, None))
    standardized = lam * latent_sd[None, :] / sd[:, None]
    column = {name: latent.index(f"f{k}") for k, name in enumerate(names)}
    loadings: dict[str, dict[str, float]] = {}
    for i, item in enumerate(items):
        own = names[membership[i]]
        loadings[item] = {own: float(standardized[i, column[own]])}
        if structure == "bifactor":
            loadings[item][general] = float(standardized[i, latent.index("g")])
    general_loadings: dict[str, float] = {}
    if structure == "second_order":
        g = latent.index("g")
        for name in names:
            f = column[name]
            general_loadings[name] = float(beta[f, g] * latent_sd[g] / latent_sd[f])

    correlation = implied / np.outer(sd, sd)
    unique = np.diag(theta) / np.diag(implied)
    own_loading = np.array([standardized[i, column[names[membership[i]]]] for i in range(p)])
    keys = np.where(own_loading < 0, -1.0, 1.0)
    omega = {
        name: _omega_total(correlation, unique, keys, np.flatnonzero(membership == k))
        for k, name in enumerate(names)
    }
    everything = np.arange(p)
    omega_h = math.nan
    if structure != "correlated":
        g = latent.index("g")
        effect = (lam @ inverse)[:, g] * math.sqrt(max(psi[g, g], 0.0)) / sd
        omega_h = float((keys @ effect) ** 2 / (keys @ correlation @ keys))

    tolerance = 1e-8 * max(1.0, float(np.max(np.diag(sample))))
    readable = {**{f"f{k}": name for k, name in enumerate(names)}, "g": general}
    boundary = tuple(
        [item for i, item in enumerate(items) if theta[i, i] <= tolerance]
        + [readable[name] for k, name in enumerate(latent) if psi[k, k] <= tolerance]
    )
    converged = bool(success) and bool(np.isfinite(implied).all())
    return CfaResult(
        n=n,
        estimator="ML",
        structure=structure,
        loadings=loadings,
        general_loadings=general_loadings,
        fit=fit,
        omega=omega,
        omega_total=_omega_total(correlation, unique, keys, everything),
        omega_hierarchical=omega_h,
        converged=converged,
        boundary_variances=boundary,
    )


def fit_indices(
    sample_cov: np.ndarray,
    implied_cov: np.ndarray,
    n: int,
    df: int,
    *,
    level: float = 0.90,
) -> FitIndices:
    """ML fit indices of one group's implied covariance matrix against its sample matrix.

    Parameters
    ----------
    sample_cov : numpy.ndarray
        The sample covariance matrix with divisor ``n`` (the ML estimate).
    implied_cov : numpy.ndarray
        The model-implied covariance matrix at the ML estimates.
    n : int
        Number of respondents.
    df : int
        The model's degrees of freedom.
    level : float
        Coverage of the RMSEA interval.

    Returns
    -------
    FitIndices
        See the module docstring for the formulas (lavaan 0.6's ``fitMeasures``).
    """
    p = sample_cov.shape[0]
    chi2 = n * _ml_discrepancy(sample_cov, implied_cov)
    baseline = n * float(np.sum(np.log(np.diag(sample_cov))) - _logdet(sample_cov))
    return _indices(chi2, df, baseline, p * (p - 1) // 2, n, [(n, sample_cov, implied_cov)], level)


def _indices(
    chi2: float,
    df: int,
    baseline_chi2: float,
    baseline_df: int,
    n: int,
    groups: list[tuple[int, np.ndarray, np.ndarray]],
    level: float,
    n_groups: int = 1,
) -> FitIndices:
    """Fit indices from the statistics; SRMR averages the groups' SRMR weighted by size."""
    chi2 = max(chi2, 0.0)
    p_value = float(chdtrc(df, chi2)) if df > 0 else math.nan
    t1 = max(chi2 - df, 0.0)
    t2 = max(chi2 - df, baseline_chi2 - baseline_df, 0.0)
    cfi = 1.0 if t2 == 0 else 1.0 - t1 / t2
    tli_den = (baseline_chi2 - baseline_df) * df
    tli = 1.0 - (chi2 - df) * baseline_df / tli_den if df > 0 and tli_den != 0 else 1.0
    scale = math.sqrt(n_groups)  # lavaan's multiple-group correction (Steiger 1998)
    rmsea = math.sqrt(max((chi2 / n) / df - 1.0 / n, 0.0)) * scale if df > 0 else 0.0
    lower, upper = rmsea_interval(chi2, df, n, level)
    srmr = sum(size * _srmr(s, sigma) for size, s, sigma in groups) / n
    return FitIndices(
        chi2=float(chi2),
        df=int(df),
        p_value=p_value,
        cfi=float(cfi),
        tli=float(tli),
        rmsea=float(rmsea),
        rmsea_ci=(lower * scale, upper * scale),
        srmr=float(srmr),
    )


def rmsea_interval(chi2: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """Confidence interval of the RMSEA by inverting the noncentral chi-square distribution.

    Parameters
    ----------
    chi2 : float
        The model's chi-square statistic.
    df : int
        Its degrees of freedom.
    n : int
        Number of respondents (lavaan uses ``N``, not ``N - 1``).
    level : float
        Coverage, e.g. 0.90.

    Returns
    -------
    tuple of float
        ``(sqrt(l_lo / (n df)), sqrt(l_hi / (n df)))`` where the noncentrality ``l_lo`` puts
        ``chi2`` at the ``(1 + level) / 2`` quantile and ``l_hi`` at the ``(1 - level) / 2``
        quantile of the noncentral chi-square on ``df``; a bound is 0 when even a central
        distribution places ``chi2`` below that quantile.

    Notes
    -----
    Browne & Cudeck (1993), in Bollen & Long (eds.), Testing Structural Equation Models,
    136-162; MacCallum, Browne & Sugawara (1996), Psychological Methods 1(2), 130-149; as
    lavaan's ``lav_fit_rmsea_ci`` (the upper search bound ``max(n, 4 chi2)`` included).

    Examples
    --------
    >>> [round(bound, 3) for bound in rmsea_interval(85.306, 24, 301)]  # lavaan: HS model
    [0.071, 0.114]
    """
    if df < 1:
        return (0.0, 0.0)
    high_share, low_share = (1 + level) / 2, (1 - level) / 2

    def lower_root(ncp: float) -> float:
        return float(chndtr(chi2, df, ncp)) - high_share

    def upper_root(ncp: float) -> float:
        return float(chndtr(chi2, df, ncp)) - low_share

    def central(share: float) -> float:  # chndtr needs a positive noncentrality
        return float(1.0 - chdtrc(df, chi2)) - share

    lower = 0.0
    if central(high_share) > 0:
        lower = math.sqrt(brentq(lower_root, 1e-12, chi2) / (n * df))
    search = max(float(n), 4.0 * chi2)
    upper = 0.0
    if central(low_share) > 0 and upper_root(search) < 0:
        upper = math.sqrt(brentq(upper_root, 1e-12, search) / (n * df))
    return (lower, upper)


def _ml_discrepancy(sample: np.ndarray, implied: np.ndarray) -> float:
    """``F_ML = log|Sigma| - log|S| + tr(S Sigma^-1) - p`` (Joreskog 1967)."""
    p = sample.shape[0]
    return float(
        _logdet(implied) - _logdet(sample) + np.trace(np.linalg.solve(implied, sample)) - p
    )


def _logdet(matrix: np.ndarray) -> float:
    sign, value = np.linalg.slogdet(matrix)
    if sign <= 0:
        raise ValueError("a covariance matrix is not positive definite")
    return float(value)


def _srmr(sample: np.ndarray, implied: np.ndarray) -> float:
    """Bentler's SRMR: residuals scaled by the observed standard deviations, diagonal included."""
    sd = np.sqrt(np.diag(sample))
    residual = (sample - implied) / np.outer(sd, sd)
    rows, cols = np.tril_indices(sample.shape[0])
    return float(np.sqrt(np.mean(residual[rows, cols] ** 2)))


def _omega_total(
    correlation: np.ndarray, unique: np.ndarray, keys: np.ndarray, items: np.ndarray
) -> float:
    """``1 - sum(theta*) / s'Rs`` over ``items``, with ``s`` the keys (McDonald 1999)."""
    s = keys[items]
    return float(1.0 - unique[items].sum() / (s @ correlation[np.ix_(items, items)] @ s))


def _factor_items(
    answers: pd.DataFrame, factors: Mapping[str, Sequence[str]], general: str
) -> tuple[list[str], np.ndarray]:
    """Items in model order and the factor index of each; checks the specification."""
    if not isinstance(answers, pd.DataFrame):
        raise ValueError(f"answers must be a pandas DataFrame, got {type(answers).__name__}")
    if not factors:
        raise ValueError("factors must name at least one factor")
    if general in factors:
        raise ValueError(f"the general factor's name {general!r} is also a factor's name")
    items: list[str] = []
    membership: list[int] = []
    for index, (name, columns) in enumerate(factors.items()):
        if isinstance(columns, str) or len(columns) < 2:
            raise ValueError(f"factor {name!r} needs at least 2 items, got {columns!r}")
        for column in columns:
            if column in items:
                raise ValueError(f"item {column!r} is in more than one factor")
            if column not in answers.columns:
                raise ValueError(f"item {column!r} of factor {name!r} is not a column")
            if not pd.api.types.is_numeric_dtype(answers[column]):
                raise ValueError(f"item {column!r} must hold numbers, got {answers[column].dtype}")
            items.append(column)
            membership.append(index)
    return items, np.array(membership)


def _complete_rows(answers: pd.DataFrame, items: list[str]) -> np.ndarray:
    data = answers[items].to_numpy(dtype=np.float64)
    if np.isinf(data).any():
        raise ValueError("answers must be finite or NaN")
    return data[~np.isnan(data).any(axis=1)]


def _semopy_description(membership: np.ndarray, n_factors: int, structure: str) -> str:
    """semopy syntax on safe names: items v0.., factors f0.., general factor g."""
    lines = [
        f"f{k} =~ " + " + ".join(f"v{i}" for i in np.flatnonzero(membership == k))
        for k in range(n_factors)
    ]
    if structure == "second_order":
        lines.append("g =~ " + " + ".join(f"f{k}" for k in range(n_factors)))
    elif structure == "bifactor":
        lines.append("g =~ " + " + ".join(f"v{i}" for i in range(membership.size)))
        for k in range(n_factors):
            lines.append(f"g ~~ 0*f{k}")
            lines += [f"f{k} ~~ 0*f{j}" for j in range(k + 1, n_factors)]
    return "\n".join(lines)


def _semopy_fit(description: str, frame: pd.DataFrame) -> tuple[Any, bool]:
    import semopy  # imported here: semopy and its dependencies take a second to load

    model = semopy.Model(description)
    # semopy's line search can step to matrices that are not positive definite, where numpy
    # warns about invalid logarithms before the step is rejected: ignore those floating-point
    # warnings only, and only inside the fit.
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=RuntimeWarning)
        result = model.fit(frame, options={"ftol": FTOL})
    return model, bool(result.success)


def _matrices(
    model: Any, p: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """semopy's Lambda, Beta, Psi, Theta with items in order v0..v{p-1}, and the latents."""
    rows, latent = model.names_lambda
    order = [list(rows).index(f"v{i}") for i in range(p)]
    if list(model.names_beta[0]) != list(latent) or list(model.names_psi[0]) != list(latent):
        raise RuntimeError("semopy ordered its latent variables inconsistently")
    lam = np.asarray(model.mx_lambda, dtype=float)[order]
    theta_rows = list(model.names_theta[0])
    theta_order = [theta_rows.index(f"v{i}") for i in range(p)]
    theta = np.asarray(model.mx_theta, dtype=float)[np.ix_(theta_order, theta_order)]
    beta = np.asarray(model.mx_beta, dtype=float)
    psi = np.asarray(model.mx_psi, dtype=float)
    return lam, beta, psi, theta, list(latent)
