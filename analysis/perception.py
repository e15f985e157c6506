"""The perception gap: a manager's own score against the interval of their team's mean.

Two gaps use the same arithmetic: the manager's self-view against how the team experiences its
management, and the manager's view of the team against the team's own answers. A positive gap
means the manager sees more purpose than the team reports. ``outside_interval`` says whether the
manager's score falls outside the team mean's confidence interval, i.e. whether the team's answers
are clearly at odds with the manager's view rather than only sampling noise around it.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from analysis.groups import mean_interval

NO_MANAGER_SCORE = "no score from the manager"
NO_TEAM_INTERVAL = "fewer than 2 team answers: no interval"


@dataclass(frozen=True)
class PerceptionGap:
    """A manager's score against their team's mean and its confidence interval.

    ``gap = manager_score - team_mean``. ``outside_interval`` is ``None``, and
    ``undefined_reason`` says why, when the team has fewer than 2 answers.
    """

    manager_score: float
    team_n: int
    team_mean: float
    team_ci: tuple[float, float]
    gap: float
    outside_interval: bool | None
    confidence: float
    undefined_reason: str | None


def perception_gap(
    manager_score: float, team_scores: ArrayLike, *, confidence: float = 0.95
) -> PerceptionGap:
    """Compare one manager's score with the confidence interval of their team's mean.

    Parameters
    ----------
    manager_score : float
        The manager's score on the measure (self-view, or view of the team).
    team_scores : array_like
        The team members' scores on the same measure; NaN = missing.
    confidence : float
        Confidence level of the team mean's interval.

    Returns
    -------
    PerceptionGap

    Notes
    -----
    ``gap = manager_score - mean(team)``; outside when ``manager_score < ci_low`` or
    ``manager_score > ci_high`` with the Student t interval of
    :func:`analysis.groups.mean_interval`.

    Examples
    --------
    >>> result = perception_gap(80.0, [50.0, 55.0, 60.0, 65.0])
    >>> result.gap, result.outside_interval
    (22.5, True)
    """
    if not np.isfinite(manager_score):
        raise ValueError(f"manager_score must be a finite number, got {manager_score}")
    team = mean_interval(team_scores, confidence=confidence)
    low, high = team.ci
    return PerceptionGap(
        manager_score=float(manager_score),
        team_n=team.n,
        team_mean=team.mean,
        team_ci=team.ci,
        gap=float(manager_score - team.mean),
        outside_interval=None if team.n < 2 else bool(manager_score < low or manager_score > high),
        confidence=team.confidence,
        undefined_reason=NO_TEAM_INTERVAL if team.n < 2 else None,
    )


def perception_gaps(summaries: pd.DataFrame, manager_scores: pd.DataFrame) -> pd.DataFrame:
    """Perception gaps of many managers at once, from the teams' summary table.

    Parameters
    ----------
    summaries : pandas.DataFrame
        The teams' summaries from :func:`analysis.groups.group_summaries`: ``group``,
        ``measure``, ``n``, ``mean``, ``ci_low``, ``ci_high``.
    manager_scores : pandas.DataFrame
        ``group``, ``measure`` and ``manager_score``, one row per manager's score on a measure;
        NaN = not answered.

    Returns
    -------
    pandas.DataFrame
        One row per row of ``manager_scores``, in its order: ``group``, ``measure``,
        ``manager_score``, ``n``, ``mean``, ``ci_low``, ``ci_high``, ``gap``,
        ``outside_interval`` (nullable boolean) and ``undefined_reason`` (``"no score from the
        manager"``, ``"fewer than 2 team answers: no interval"``, else missing).

    Examples
    --------
    >>> from analysis.groups import group_summaries
    >>> teams = group_summaries([0, 0, 0, 0], [[50.0], [55.0], [60.0], [65.0]], ["index"])
    >>> managers = pd.DataFrame({"group": [0], "measure": ["index"], "manager_score": [80.0]})
    >>> perception_gaps(teams, managers)[["gap", "outside_interval"]].to_numpy().tolist()
    [[22.5, True]]
    """
    needed = ["group", "measure", "n", "mean", "ci_low", "ci_high"]
    if missing := set(needed) - set(summaries.columns):
        raise ValueError(f"summaries lacks columns: {', '.join(sorted(missing))}")
    if missing := {"group", "measure", "manager_score"} - set(manager_scores.columns):
        raise ValueError(f"manager_scores lacks columns: {', '.join(sorted(missing))}")
    if summaries.duplicated(["group", "measure"]).any():
        raise ValueError("summaries must hold one row per group and measure")
    scores = manager_scores["manager_score"].to_numpy(dtype=float)
    if np.isinf(scores).any():
        raise ValueError("manager_score must be finite or NaN (not answered)")
    table = manager_scores[["group", "measure", "manager_score"]].merge(
        summaries[needed], on=["group", "measure"], how="left", validate="many_to_one"
    )
    table["n"] = table["n"].fillna(0).astype("int64")
    table["gap"] = table["manager_score"] - table["mean"]
    has_interval = table["n"] >= 2
    answered = table["manager_score"].notna()
    score = table["manager_score"]
    outside = (score < table["ci_low"]) | (score > table["ci_high"])
    table["outside_interval"] = outside.astype("boolean").where(has_interval & answered, pd.NA)
    reason = np.where(~answered, NO_MANAGER_SCORE, np.where(has_interval, "", NO_TEAM_INTERVAL))
    table["undefined_reason"] = pd.Series(reason, dtype="string", index=table.index).replace(
        "", pd.NA
    )
    columns = ["group", "measure", "manager_score", "n", "mean", "ci_low", "ci_high", "gap"]
    return table[[*columns, "outside_interval", "undefined_reason"]]
