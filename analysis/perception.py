"""The perception gap: managers' score against the interval of their team's mean.

Two gaps use the same arithmetic: the managers' self-view against how the team experiences its
management, and the managers' view of the team against the team's own answers. A positive gap
means the managers see more purpose than the team reports. ``outside_interval`` says whether the
managers' score falls outside the team mean's confidence interval, i.e. whether the team's
answers are clearly at odds with the managers' view rather than only sampling noise around it.
"""

import numpy as np
import pandas as pd

NO_MANAGER_SCORE = "no score from the manager"
NO_TEAM_INTERVAL = "fewer than 2 team answers: no interval"


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

    Notes
    -----
    ``gap = manager_score - mean``; outside when ``manager_score < ci_low`` or
    ``manager_score > ci_high``, the team mean's Student (1908) t interval
    ``mean ± t(1 - (1 - confidence) / 2, n - 1) · sd / sqrt(n)`` of
    :func:`analysis.groups.group_summaries` (at the confidence it was made with). A manager's
    score may itself be a mean over several managers (pooled, as a release shows it): the
    interval is the team's only, the managers' own sampling error is not part of the test.

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
    # Elsewhere <NA>: where() fills a nullable boolean column with NA by default.
    table["outside_interval"] = outside.astype("boolean").where(has_interval & answered)
    reason = np.where(~answered, NO_MANAGER_SCORE, np.where(has_interval, "", NO_TEAM_INTERVAL))
    table["undefined_reason"] = pd.Series(reason, dtype="string", index=table.index).replace(
        "", pd.NA
    )
    columns = ["group", "measure", "manager_score", "n", "mean", "ci_low", "ci_high", "gap"]
    return table[[*columns, "outside_interval", "undefined_reason"]]
