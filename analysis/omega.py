"""McDonald's omega beside alpha: how much of a total score is common variance (omega total)
and how much comes from one general factor (omega hierarchical).

:func:`omega_coefficients` follows R psych's ``omega()`` (Revelle, psych 2.5; the algorithm of
``omegah`` and ``schmid`` in ``R/omega.R`` and ``R/schmid.R``) step by step:

1. minimum-residual ("minres", unweighted least squares) factor analysis of the correlation
   matrix with ``n_factors`` factors (Harman & Jones 1966), the uniquenesses found by L-BFGS-B
   within [0.005, 1] from ``1 - SMC``, the loadings the leading eigenvectors of ``R - Psi``;
2. varimax (Kaiser 1958, as R's ``stats::varimax``), then oblimin with gamma 0 (quartimin)
   by gradient projection from there (Jennrich 2002; Bernaards & Jennrich 2005, GPArotation's
   ``GPFoblq``, tolerance 1e-5), giving the pattern ``F`` and factor correlations ``Phi``;
3. one minres factor of ``Phi`` gives each group factor's loading ``gamma`` on ``g``; the
   Schmid-Leiman transformation (Schmid & Leiman 1957) gives each item's general loading
   ``g_i = sum_f F_if gamma_f`` and group loadings ``F_if sqrt(1 - gamma_f^2)``;
4. items with a negative general loading are reversed (psych's ``flip``), ``Vt`` is the sum
   of the (reversed) correlation matrix and ``u2 = 1 - h2`` the minres uniquenesses:

       omega_h = (sum g)^2 / Vt                        (McDonald 1999; Zinbarg et al. 2005)
       omega_t = 1 - sum(u2) / Vt                      (McDonald 1999, Test Theory, eq. 6.20b)
       omega_limit = (sum g)^2 / (Vt - sum(u2))        (psych's "Omega H asymptotic")
       alpha = p / (p - 1) (Vt - p) / Vt               (standardised alpha, Cronbach 1951)
       G6 = (Vt - p + sum SMC) / Vt                    (Guttman 1945, lambda 6)

With two group factors the general loadings are not identified; as psych's default
(``option = "equal"``) both factors then load ``sqrt(|r_12|)`` on ``g``. With one factor
``omega_h`` is the one factor's omega.

Raw answers are correlated pairwise (psych's ``cor(use = "pairwise")``), so NaN (missing, not
applicable) answers are allowed; reverse-keyed items need no recoding (step 4).
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.optimize import minimize

from analysis._validation import response_matrix

LOWER_UNIQUENESS = 0.005
"""psych's lower bound for a uniqueness in minres (``optim(..., lower = .005)``)."""


@dataclass(frozen=True)
class OmegaResult:
    """Omega coefficients of a set of items, as psych's ``omega()`` prints them.

    Attributes
    ----------
    omega_hierarchical : float
        Share of the total score's variance due to the general factor.
    omega_limit : float
        ``omega_h`` of a test of infinitely many such items ("Omega H asymptotic").
    omega_total : float
        Share of the total score's variance that is common (not unique) variance.
    alpha : float
        Standardised alpha of the (reversed where needed) items.
    g6 : float
        Guttman's lambda 6.
    general_loadings : tuple of float
        Each item's Schmid-Leiman loading on the general factor (positive after reversal).
    group_loadings : tuple of tuple of float
        Each item's loadings on the residualised group factors (items x factors).
    keys : tuple of int
        +1, or -1 for an item reversed because its general loading was negative.
    group_items : tuple of tuple of int
        For each group factor, the items (0-based columns) loading most on it.
    group_omega_total, group_omega_general, group_omega_group : tuple of float
        For each group factor's items: omega total, the share due to ``g`` and the share due
        to the group factor (psych's ``omega.group`` rows 2 onwards).
    """

    omega_hierarchical: float
    omega_limit: float
    omega_total: float
    alpha: float
    g6: float
    general_loadings: tuple[float, ...]
    group_loadings: tuple[tuple[float, ...], ...]
    keys: tuple[int, ...]
    group_items: tuple[tuple[int, ...], ...]
    group_omega_total: tuple[float, ...]
    group_omega_general: tuple[float, ...]
    group_omega_group: tuple[float, ...]


def omega_coefficients(
    matrix: ArrayLike, n_factors: int = 3, *, is_correlation: bool = False
) -> OmegaResult:
    """McDonald's omega hierarchical and total, with alpha, by psych's ``omega()`` algorithm.

    Parameters
    ----------
    matrix : array_like
        Responses x items answers (NaN for missing), or with ``is_correlation`` a correlation
        matrix of the items.
    n_factors : int
        Number of group factors, at least 1 and fewer than the items (psych's default is 3).
    is_correlation : bool
        Whether ``matrix`` is already a correlation matrix.

    Returns
    -------
    OmegaResult

    Raises
    ------
    ValueError
        If ``n_factors`` is out of range, a correlation matrix is not square, symmetric with a
        unit diagonal, or an item has no variance or a pair of items was never answered
        together.

    Notes
    -----
    Revelle, psych ``omega(m, nfactors, fm = "minres", rotate = "oblimin")``; McDonald (1999),
    Test Theory: A Unified Treatment, ch. 6; Zinbarg, Revelle, Yovel & Li (2005),
    Psychometrika 70(1), 123-133; Schmid & Leiman (1957), Psychometrika 22(1). Formulas in the
    module docstring. Reproduces psych's printed ``omega(Thurstone)`` (omega_h 0.74, asymptotic
    0.79, omega_t 0.93, alpha 0.89, G6 0.91).

    Examples
    --------
    >>> r = np.full((4, 4), 0.49) + 0.51 * np.eye(4)  # one factor, loadings 0.7
    >>> result = omega_coefficients(r, n_factors=1, is_correlation=True)
    >>> round(result.omega_total, 4), round(result.alpha, 4)
    (0.7935, 0.7935)
    """
    correlation = _correlation(matrix, is_correlation)
    p = correlation.shape[0]
    if isinstance(n_factors, bool) or not isinstance(n_factors, int | np.integer):
        raise ValueError(f"n_factors must be a whole number, got {n_factors!r}")
    if not 1 <= n_factors < p:
        raise ValueError(f"n_factors must be from 1 to {p - 1} for {p} items, got {n_factors}")
    k = int(n_factors)

    loadings = _minres(correlation, k)
    communality = (loadings**2).sum(axis=1)
    if k == 1:
        pattern = loadings
        gamma = np.ones(1)
    else:
        pattern, phi = _oblimin(_varimax(loadings))
        gamma = _general_loadings(phi)
    general = pattern @ gamma
    group = pattern * np.sqrt(np.clip(1.0 - gamma**2, 0.0, None))[None, :]

    keys = np.where(general < 0, -1.0, 1.0)
    flipped = correlation * np.outer(keys, keys)
    general = general * keys
    group = group * keys[:, None]
    total = float(flipped.sum())
    unique = float((1.0 - communality).sum())
    g_sum_sq = float(general.sum() ** 2)
    smc = _smc(flipped)

    assignment = np.argmax(np.abs(group), axis=1)
    group_items, totals, generals, groups = [], [], [], []
    for f in range(k):
        items = np.flatnonzero(assignment == f)
        group_items.append(tuple(int(i) for i in items))
        if items.size == 0:
            totals.append(math.nan)
            generals.append(math.nan)
            groups.append(math.nan)
            continue
        variance = float(flipped[np.ix_(items, items)].sum())
        own = float(group[items, f].sum()) ** 2
        common = float(general[items].sum()) ** 2
        totals.append((own + common) / variance)
        generals.append(common / variance)
        groups.append(own / variance)
    return OmegaResult(
        omega_hierarchical=g_sum_sq / total,
        omega_limit=g_sum_sq / (total - unique),
        omega_total=(total - unique) / total,
        alpha=(total - p) / total * p / (p - 1),
        g6=(total - p + float(smc.sum())) / total,
        general_loadings=tuple(float(value) for value in general),
        group_loadings=tuple(tuple(float(value) for value in row) for row in group),
        keys=tuple(int(key) for key in keys),
        group_items=tuple(group_items),
        group_omega_total=tuple(totals),
        group_omega_general=tuple(generals),
        group_omega_group=tuple(groups),
    )


def _correlation(matrix: ArrayLike, is_correlation: bool) -> np.ndarray:
    if is_correlation:
        r = response_matrix(matrix, "matrix").astype(np.float64)
        if r.shape[0] != r.shape[1]:
            raise ValueError(f"a correlation matrix must be square, got shape {r.shape}")
        if not np.isfinite(r).all() or not np.allclose(r, r.T, atol=1e-10):
            raise ValueError("a correlation matrix must be finite and symmetric")
        if not np.allclose(np.diag(r), 1.0, atol=1e-10):
            raise ValueError("a correlation matrix must have ones on its diagonal")
        return r
    answers = response_matrix(matrix).astype(np.float64)
    if np.isinf(answers).any():
        raise ValueError("answers must be finite or NaN")
    sd = np.nanstd(answers, axis=0)
    constant = np.flatnonzero(~(sd > 0))
    if constant.size:
        raise ValueError(f"item {int(constant[0])} has no variance")
    r = pd.DataFrame(answers).corr(min_periods=2).to_numpy()
    if np.isnan(r).any():
        first, second = np.argwhere(np.isnan(r))[0]
        raise ValueError(f"items {first} and {second} were answered together too rarely")
    return r


def _smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlation of each item with the others: ``1 - 1 / diag(R^-1)``."""
    return np.asarray(1.0 - 1.0 / np.diag(np.linalg.pinv(r)))


def _minres(r: np.ndarray, k: int) -> np.ndarray:
    """Minres loadings: uniquenesses minimising the squared off-diagonal residuals.

    For uniquenesses ``psi`` the best rank-``k`` fit of ``R - Psi`` leaves the discarded
    eigenvalues ``l_j`` (j > k) as residual, ``F(psi) = sum l_j^2``, with gradient
    ``dF/dpsi_i = -2 sum_j l_j v_ij^2``; at the optimum the diagonal is fitted, so this is the
    minimum of psych's off-diagonal criterion.
    """
    p = r.shape[0]

    def objective(psi: np.ndarray) -> tuple[float, np.ndarray]:
        values, vectors = np.linalg.eigh(r - np.diag(psi))
        rest, rest_vectors = values[: p - k], vectors[:, : p - k]
        return float(np.sum(rest**2)), -2.0 * (rest_vectors**2) @ rest

    start = np.clip(1.0 - _smc(r), LOWER_UNIQUENESS, 1.0)
    result = minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(LOWER_UNIQUENESS, 1.0)] * p,
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10000},
    )
    values, vectors = np.linalg.eigh(r - np.diag(result.x))
    top = np.argsort(values)[::-1][:k]
    loadings = vectors[:, top] * np.sqrt(np.clip(values[top], 0.0, None))
    signs = np.where(loadings.sum(axis=0) < 0, -1.0, 1.0)
    return np.asarray(loadings * signs)


def _varimax(loadings: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Kaiser's varimax with Kaiser normalisation, as R's ``stats::varimax``."""
    scale = np.sqrt((loadings**2).sum(axis=1))
    x = loadings / scale[:, None]
    p, k = x.shape
    rotation = np.eye(k)
    criterion = 0.0
    for _ in range(1000):
        z = x @ rotation
        b = x.T @ (z**3 - z @ np.diag((z**2).sum(axis=0)) / p)
        u, s, vt = np.linalg.svd(b)
        rotation = u @ vt
        previous, criterion = criterion, float(s.sum())
        if criterion < previous * (1 + eps):
            break
    rotated = (x @ rotation) * scale[:, None]
    order = np.argsort(-(rotated**2).sum(axis=0), kind="stable")  # psych sorts by size
    return np.asarray(rotated[:, order])


def _oblimin(a: np.ndarray, eps: float = 1e-5, max_iter: int = 1000) -> tuple[np.ndarray, ...]:
    """Quartimin (oblimin, gamma 0) by gradient projection, as GPArotation's ``GPFoblq``.

    Returns the pattern ``L = A T'^-1`` and the factor correlations ``Phi = T'T``.
    """
    k = a.shape[1]
    off = 1.0 - np.eye(k)

    def criterion(loadings: np.ndarray) -> tuple[float, np.ndarray]:
        x = (loadings**2) @ off
        return float(np.sum(loadings**2 * x) / 4.0), loadings * x

    t = np.eye(k)
    loadings = a @ np.linalg.inv(t).T
    value, gq = criterion(loadings)
    gradient = -(loadings.T @ gq @ np.linalg.inv(t)).T
    step = 1.0
    for _ in range(max_iter + 1):
        projected = gradient - t @ np.diag(np.sum(t * gradient, axis=0))
        size = math.sqrt(float(np.sum(projected**2)))
        if size < eps:
            break
        step *= 2.0
        for _ in range(11):
            x = t - step * projected
            candidate = x / np.sqrt(np.sum(x**2, axis=0))[None, :]
            loadings = a @ np.linalg.inv(candidate).T
            new_value, new_gq = criterion(loadings)
            if value - new_value > 0.5 * size**2 * step:
                break
            step /= 2.0
        t, value = candidate, new_value
        gradient = -(loadings.T @ new_gq @ np.linalg.inv(t)).T
    return a @ np.linalg.inv(t).T, t.T @ t


def _general_loadings(phi: np.ndarray) -> np.ndarray:
    """Loadings of the group factors on ``g``: one minres factor of ``Phi`` (psych ``schmid``)."""
    if phi.shape[0] == 2:  # not identified: psych's option = "equal"
        r = float(phi[0, 1])
        return np.array([math.sqrt(abs(r)), math.copysign(math.sqrt(abs(r)), r)])
    return np.asarray(_minres(phi, 1)[:, 0])
