"""Measurement invariance across groups (waves): can a change in scores be read as a change in
mindset, or did the items change meaning?

Three nested multiple-group confirmatory factor models are fitted by maximum likelihood
(Joreskog 1971, "Simultaneous factor analysis in several populations", Psychometrika 36(4)):

- **configural**: the same items measure the same factors in every group, every parameter
  free per group (latent means fixed at 0);
- **metric** (weak): the loadings are equal across groups, so the factors have the same unit;
- **scalar** (strong): loadings and intercepts are equal, latent means free in every group but
  the first, so the groups' means can be compared (Meredith 1993, Psychometrika 58(4)).

This is lavaan's ``cfa(model, data, group = ...)`` with ``group.equal = "loadings"`` and then
``c("loadings", "intercepts")``, the first item of each factor its marker. semopy's
``multigroup`` fits each group separately with no cross-group equality constraints, so the
models are fitted here: the ML discrepancy with a mean structure,
``F_g = log|Sigma_g| + tr(S_g Sigma_g^-1) - log|S_g| - p + (m_g - mu_g)' Sigma_g^-1 (m_g - mu_g)``
(``S_g`` with divisor ``n_g``), summed as ``chi2 = sum_g n_g F_g``, is minimised with L-BFGS-B
on its analytic gradient, with ``Sigma_g = Lambda_g Phi_g Lambda_g' + Theta_g`` and
``mu_g = nu_g + Lambda_g alpha_g``. The factor covariance matrix is parameterised by its
Cholesky factor and the residual variances by their square roots, which keeps every
``Sigma_g`` positive definite without changing an interior optimum (variances at 0, a
Heywood case, are where lavaan would report negative ones).

Fit indices follow lavaan (see :mod:`analysis.factor_model`): the baseline is the independence
model in every group; RMSEA carries lavaan's multiple-group factor ``sqrt(G)`` (Steiger 1998);
SRMR is Bentler's with mean residuals, averaged over groups weighted by size.

Each step is judged by Chen (2007), "Sensitivity of goodness of fit indexes to lack of
measurement invariance", Structural Equation Modeling 14(3), 464-504, p. 501: a drop in CFI of
at least 0.010 supplemented by a rise in RMSEA of at least 0.015, or in SRMR of at least 0.030
(loadings) or 0.010 (intercepts), signals non-invariance. The SRMR alternative matters: in the
Holzinger-Swineford data the intercepts cost 0.038 of CFI but RMSEA rises by 0.0146 only,
while SRMR rises by 0.011. The configural
model is judged by its own fit (CFI >= 0.95 and RMSEA <= 0.06; Hu & Bentler 1999).
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import chdtrc

from analysis._text import _
from analysis.factor_model import FitIndices, _factor_items, _indices, _logdet

LEVELS = ("configural", "metric", "scalar")
CFI_DROP = -0.010
RMSEA_RISE = 0.015
SRMR_RISE = {"metric": 0.030, "scalar": 0.010}
GOOD_CFI, GOOD_RMSEA = 0.95, 0.06


@dataclass(frozen=True)
class InvarianceStep:
    """One model of the sequence, its fit, and its change from the previous model.

    Attributes
    ----------
    level : str
        ``"configural"``, ``"metric"`` or ``"scalar"``.
    fit : FitIndices
        chi2, df, p, CFI, TLI, RMSEA with interval, SRMR of the multiple-group model.
    delta_cfi, delta_rmsea, delta_srmr : float
        This step's CFI, RMSEA and SRMR minus the previous step's (NaN for configural).
    delta_chi2 : float
        The chi-square difference from the previous step (lavaan's ``lavTestLRT``), with
    delta_df : int
        its degrees of freedom, and
    delta_p : float
        its p-value (NaN for configural).
    holds : bool
        Whether this level of invariance holds by the criteria in the module docstring.
    verdict : str
        The judgement in plain words.
    converged : bool
        Whether the optimiser converged.
    """

    level: str
    fit: FitIndices
    delta_cfi: float
    delta_rmsea: float
    delta_srmr: float
    delta_chi2: float
    delta_df: int
    delta_p: float
    holds: bool
    verdict: str
    converged: bool


@dataclass(frozen=True)
class InvarianceResult:
    """The configural, metric and scalar steps for groups in order of first appearance."""

    groups: tuple[str, ...]
    n: tuple[int, ...]
    steps: tuple[InvarianceStep, ...]


def measurement_invariance(
    answers: pd.DataFrame,
    factors: Mapping[str, Sequence[str]],
    group: str,
) -> InvarianceResult:
    """Test configural, metric and scalar invariance of a factor model across groups.

    Parameters
    ----------
    answers : pandas.DataFrame
        Responses x items, NaN for a missing answer, with a column naming each response's
        group (e.g. its wave). Responses with a missing answer to a model item are left out.
    factors : mapping of str to sequence of str
        Each factor's items, at least two per factor; the first item is the factor's marker.
    group : str
        The column holding the group labels (no missing labels); at least two groups.

    Returns
    -------
    InvarianceResult
        The three steps, each with its fit, the change from the previous step and a verdict.

    Raises
    ------
    ValueError
        For a bad model specification (as :func:`analysis.factor_model.fit_cfa`), a missing
        group column or label, fewer than two groups, or a group with fewer complete responses
        than items + 1.

    Notes
    -----
    Joreskog (1971); Meredith (1993); Chen (2007): see the module docstring. Reproduces the
    lavaan tutorial's HolzingerSwineford1939 by school: chi2 115.851 (48 df), 124.044 (54 df)
    and 164.10 (60 df).
    """
    items, membership = _factor_items(answers, factors, general="")
    if group not in answers.columns:
        raise ValueError(f"group column {group!r} is not a column of answers")
    labels = answers[group]
    if labels.isna().any():
        raise ValueError(f"group column {group!r} has missing labels")
    data = answers[items].to_numpy(dtype=np.float64)
    if np.isinf(data).any():
        raise ValueError("answers must be finite or NaN")
    complete = ~np.isnan(data).any(axis=1)
    names = list(pd.unique(labels))
    if len(names) < 2:
        raise ValueError(f"measurement invariance needs at least 2 groups, got {len(names)}")
    samples = []
    p = len(items)
    for name in names:
        rows = data[complete & (labels == name).to_numpy()]
        if rows.shape[0] <= p:
            raise ValueError(
                f"group {name!r} has {rows.shape[0]} complete responses, too few for {p} items: "
                f"need at least {p + 1}"
            )
        samples.append(_Sample(rows.shape[0], rows.mean(axis=0), np.cov(rows.T, bias=True)))

    steps: list[InvarianceStep] = []
    previous: FitIndices | None = None
    for level in LEVELS:
        fit, converged = _fit_level(samples, membership, level)
        steps.append(_judge(level, fit, previous, converged))
        previous = fit
    return InvarianceResult(
        groups=tuple(str(name) for name in names),
        n=tuple(sample.n for sample in samples),
        steps=tuple(steps),
    )


@dataclass(frozen=True)
class _Sample:
    n: int
    mean: np.ndarray
    cov: np.ndarray


@dataclass(frozen=True)
class _Layout:
    """Where each group's model matrices take their values in the parameter vector.

    -1 marks a fixed entry: loadings fixed at ``lam_fixed``, latent means at 0; ``chol`` holds
    the free lower triangle of each group's factor Cholesky factor.
    """

    lam: list[np.ndarray]
    lam_fixed: np.ndarray
    chol: list[np.ndarray]
    resid: list[np.ndarray]
    intercept: list[np.ndarray]
    mean: list[np.ndarray]
    size: int


def _layout(membership: np.ndarray, n_groups: int, level: str) -> _Layout:
    p, m = membership.size, int(membership.max()) + 1
    counter = iter(range(10**9))
    pattern = np.zeros((p, m), dtype=bool)
    pattern[np.arange(p), membership] = True
    marker = np.zeros((p, m), dtype=bool)
    for f in range(m):
        marker[np.flatnonzero(membership == f)[0], f] = True
    free = pattern & ~marker

    def new_lam() -> np.ndarray:
        idx = np.full((p, m), -1)
        idx[free] = [next(counter) for _ in range(int(free.sum()))]
        return idx

    def new_vector(k: int) -> np.ndarray:
        return np.array([next(counter) for _ in range(k)])

    shared_lam = new_lam() if level != "configural" else None
    shared_nu = new_vector(p) if level == "scalar" else None
    lam, chol, resid, intercept, mean = [], [], [], [], []
    for g in range(n_groups):
        lam.append(shared_lam if shared_lam is not None else new_lam())
        lower = np.full((m, m), -1)
        rows, cols = np.tril_indices(m)
        lower[rows, cols] = new_vector(rows.size)
        chol.append(lower)
        resid.append(new_vector(p))
        intercept.append(shared_nu if shared_nu is not None else new_vector(p))
        mean.append(new_vector(m) if level == "scalar" and g > 0 else np.full(m, -1))
    return _Layout(lam, marker.astype(float), chol, resid, intercept, mean, next(counter))


def _take(x: np.ndarray, index: np.ndarray, fixed: np.ndarray | float = 0.0) -> np.ndarray:
    return np.where(index >= 0, x[np.maximum(index, 0)], fixed)


def _matrices(
    x: np.ndarray, layout: _Layout, g: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    lam = _take(x, layout.lam[g], layout.lam_fixed)
    chol = _take(x, layout.chol[g])
    root = _take(x, layout.resid[g])
    nu = _take(x, layout.intercept[g])
    alpha = _take(x, layout.mean[g])
    return lam, chol, root, nu, alpha


def _moments(
    lam: np.ndarray, chol: np.ndarray, root: np.ndarray, nu: np.ndarray, alpha: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``Sigma = Lambda L L' Lambda' + diag(root^2)`` and ``mu = nu + Lambda alpha``."""
    phi = chol @ chol.T
    return lam @ phi @ lam.T + np.diag(root**2), nu + lam @ alpha


def _objective(x: np.ndarray, samples: list[_Sample], layout: _Layout) -> tuple[float, np.ndarray]:
    """``sum_g (n_g / N) F_g`` and its gradient (see the module docstring)."""
    total = sum(sample.n for sample in samples)
    value = 0.0
    grad = np.zeros_like(x)
    for g, sample in enumerate(samples):
        lam, chol, root, nu, alpha = _matrices(x, layout, g)
        sigma, mu = _moments(lam, chol, root, nu, alpha)
        try:
            factor = np.linalg.cholesky(sigma)
        except np.linalg.LinAlgError:
            return math.inf, grad
        inverse = np.linalg.inv(sigma)
        d = sample.mean - mu
        logdet = 2.0 * float(np.log(np.diag(factor)).sum())
        f = logdet + float(np.sum(inverse * sample.cov)) + float(d @ inverse @ d)
        weight = sample.n / total
        value += weight * f
        inv_d = inverse @ d
        w = inverse - inverse @ (sample.cov + np.outer(d, d)) @ inverse
        phi = chol @ chol.T
        pieces = (
            (layout.lam[g], 2.0 * w @ lam @ phi - 2.0 * np.outer(inv_d, alpha)),
            (layout.chol[g], 2.0 * lam.T @ w @ lam @ chol),
            (layout.resid[g], 2.0 * root * np.diag(w)),
            (layout.intercept[g], -2.0 * inv_d),
            (layout.mean[g], -2.0 * lam.T @ inv_d),
        )
        for index, gradient in pieces:
            mask = index >= 0
            np.add.at(grad, index[mask], weight * gradient[mask])
    return value, grad


def _start(samples: list[_Sample], membership: np.ndarray, layout: _Layout) -> np.ndarray:
    """Per group, each factor's first principal axis scaled to its marker; means observed."""
    x = np.zeros(layout.size)
    m = int(membership.max()) + 1
    for g, sample in enumerate(samples):
        lam = np.zeros_like(layout.lam_fixed)
        variances = np.empty(m)
        for f in range(m):
            items = np.flatnonzero(membership == f)
            values, vectors = np.linalg.eigh(sample.cov[np.ix_(items, items)])
            axis = vectors[:, -1] * math.sqrt(max(values[-1], 1e-12))
            if abs(axis[0]) < 1e-8:
                axis[0] = 1e-8
            lam[items, f] = axis / axis[0]
            variances[f] = axis[0] ** 2
        explained = (lam**2) @ variances
        residual = np.maximum(np.diag(sample.cov) - explained, 0.1 * np.diag(sample.cov))
        for index, values in (
            (layout.lam[g], lam),
            (layout.chol[g], np.diag(np.sqrt(variances))),
            (layout.resid[g], np.sqrt(residual)),
            (layout.intercept[g], sample.mean),
        ):
            mask = index >= 0
            x[index[mask]] = values[mask]  # shared entries end at the last group's start
    return x


def _fit_level(
    samples: list[_Sample], membership: np.ndarray, level: str
) -> tuple[FitIndices, bool]:
    layout = _layout(membership, len(samples), level)
    result = minimize(
        _objective,
        _start(samples, membership, layout),
        args=(samples, layout),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 20000, "maxcor": 30, "ftol": 1e-15, "gtol": 1e-9},
    )
    p = membership.size
    total = sum(sample.n for sample in samples)
    chi2 = 0.0
    baseline = 0.0
    groups = []
    for g, sample in enumerate(samples):
        sigma, mu = _moments(*_matrices(result.x, layout, g))
        d = sample.mean - mu
        f = (
            _logdet(sigma)
            - _logdet(sample.cov)
            + float(np.trace(np.linalg.solve(sigma, sample.cov)))
            - p
            + float(d @ np.linalg.solve(sigma, d))
        )
        chi2 += sample.n * f
        baseline += sample.n * (float(np.log(np.diag(sample.cov)).sum()) - _logdet(sample.cov))
        groups.append((sample.n, sample, sigma, mu))
    moments = len(samples) * (p * (p + 1) // 2 + p)
    df = moments - layout.size
    fit = _indices(
        chi2,
        df,
        baseline,
        len(samples) * p * (p - 1) // 2,
        total,
        [],
        0.90,
        n_groups=len(samples),
    )
    srmr = sum(n * _srmr_means(s.cov, sigma, s.mean, mu) for n, s, sigma, mu in groups) / total
    fit = FitIndices(fit.chi2, fit.df, fit.p_value, fit.cfi, fit.tli, fit.rmsea, fit.rmsea_ci, srmr)
    converged = bool(result.success) or float(np.max(np.abs(result.jac))) < 1e-6
    return fit, converged


def _srmr_means(cov: np.ndarray, sigma: np.ndarray, mean: np.ndarray, mu: np.ndarray) -> float:
    """Bentler's SRMR with the mean residuals (lavaan's ``srmr`` with a mean structure)."""
    sd = np.sqrt(np.diag(cov))
    residual = (cov - sigma) / np.outer(sd, sd)
    rows, cols = np.tril_indices(cov.shape[0])
    squares = np.sum(residual[rows, cols] ** 2) + np.sum(((mean - mu) / sd) ** 2)
    return float(np.sqrt(squares / (rows.size + cov.shape[0])))


def _judge(
    level: str, fit: FitIndices, previous: FitIndices | None, converged: bool
) -> InvarianceStep:
    if previous is None:
        good = fit.cfi >= GOOD_CFI and fit.rmsea <= GOOD_RMSEA
        figures = {"cfi": f"{fit.cfi:.3f}", "rmsea": f"{fit.rmsea:.3f}"}
        verdict = (
            _(
                "The same factor structure fits every group (CFI %(cfi)s, RMSEA %(rmsea)s), so "
                "the later steps are meaningful.",
                **figures,
            )
            if good
            else _(
                "The factor structure fits poorly in the groups taken together (CFI %(cfi)s, "
                "RMSEA %(rmsea)s; good fit needs CFI at least %(good_cfi)s and RMSEA at most "
                "%(good_rmsea)s): the items do not measure the dimensions cleanly enough to "
                "compare groups.",
                good_cfi=GOOD_CFI,
                good_rmsea=GOOD_RMSEA,
                **figures,
            )
        )
        return InvarianceStep(
            level,
            fit,
            math.nan,
            math.nan,
            math.nan,
            math.nan,
            0,
            math.nan,
            good,
            verdict,
            converged,
        )
    delta_cfi = fit.cfi - previous.cfi
    delta_rmsea = fit.rmsea - previous.rmsea
    delta_srmr = fit.srmr - previous.srmr
    delta_chi2 = fit.chi2 - previous.chi2
    delta_df = fit.df - previous.df
    delta_p = float(chdtrc(delta_df, max(delta_chi2, 0.0)))
    srmr_rise = SRMR_RISE[level]
    worse = delta_cfi <= CFI_DROP and (delta_rmsea >= RMSEA_RISE or delta_srmr >= srmr_rise)
    change = _(
        "CFI changed by %(delta_cfi)s, RMSEA by %(delta_rmsea)s, SRMR by %(delta_srmr)s; "
        "non-invariance is a CFI drop of at least %(cfi_drop)s with a rise of at least "
        "%(rmsea_rise)s in RMSEA or %(srmr_rise)s in SRMR",
        delta_cfi=f"{delta_cfi:+.4f}",
        delta_rmsea=f"{delta_rmsea:+.4f}",
        delta_srmr=f"{delta_srmr:+.4f}",
        cfi_drop=-CFI_DROP,
        rmsea_rise=RMSEA_RISE,
        srmr_rise=srmr_rise,
    )
    if level == "metric" and worse:
        verdict = _(
            "Equal loadings worsen the fit (%(change)s): some items relate to their dimension "
            "differently between groups.",
            change=change,
        )
    elif level == "metric":
        verdict = _(
            "Equal loadings cost little fit (%(change)s), so the fit does not signal that items "
            "relate to their dimension differently between groups.",
            change=change,
        )
    elif worse:
        verdict = _(
            "Equal intercepts worsen the fit (%(change)s): some items are answered higher or "
            "lower in one group at the same standing on their dimension, so differences in "
            "scores are not all differences in what they measure.",
            change=change,
        )
    else:
        verdict = _(
            "Equal intercepts cost little fit (%(change)s), so the fit does not signal that "
            "items are answered higher or lower in one group at the same standing on their "
            "dimension, so score differences between groups can be compared as far as this "
            "test can tell.",
            change=change,
        )
    return InvarianceStep(
        level,
        fit,
        delta_cfi,
        delta_rmsea,
        delta_srmr,
        delta_chi2,
        delta_df,
        delta_p,
        not worse,
        verdict,
        converged,
    )
