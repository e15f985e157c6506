"""What views show: one team's sections for one wave, read from the stored releases.

The wave's own sections come as stored; the sections over several waves (trend, profile,
change, the ladder over time) are put together from the cells of each wave's latest release.
The change is a function of two released cells (their ``n``, mean and SD) and the verdict's
family is fixed by the release's tree, so every look gives the same answer. A wave without a
release shows counts only, in steps of ``k``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis._text import join
from analysis.change import (
    TOO_FEW,
    PairedChange,
    classify_family,
    compare_summaries,
    paired_from_summary,
)
from analysis.change import trend as linear_trend
from analysis.ladder import CHI_SQUARE, FISHER_EXACT, compare_top_rungs
from analysis.privacy import coarse_count
from analysis.team_reliability import mean_reliability, team_effects
from questionnaires.model import NONE_OF_THESE, LadderTarget
from survey.aggregates.measures import CLIMATE
from survey.aggregates.model import (
    BIN_WIDTH,
    INDEX,
    Section,
    TeamNode,
    WaveInfo,
    organisation_nodes,
)
from survey.instruments import questionnaire_for
from survey.models import Assessment, Response
from survey.models.organisation import subtree_ids
from survey.releases.cells import NOT_IN_TREE, cached, hidden_reason, team_cell
from survey.releases.dimensions import dimension_section
from survey.releases.labels import evidence_words, measure_name
from survey.releases.payload import SUMMARY_COLUMNS
from survey.releases.store import ReleaseInfo, latest_releases, payload
from survey.releases.versions import Basis, comparison_basis

WAVE_SECTIONS = ("headline", "distribution", "heatmap", "cooperation", "perception", "rates")


@dataclass
class ReleasedView:
    """The tree and waves a page is drawn over: the selected wave's release tree."""

    teams: dict[int, TeamNode]
    waves: list[WaveInfo]
    k: int
    releases: dict[int, ReleaseInfo]

    def children(self, team_id: int) -> list[TeamNode]:
        return sorted(
            (team for team in self.teams.values() if team.parent_id == team_id),
            key=lambda team: team.name,
        )

    def released(self, wave_id: int) -> bool:
        return wave_id in self.releases


@dataclass(frozen=True)
class Dashboard:
    view: ReleasedView
    team: TeamNode
    wave: WaveInfo
    sections: dict[str, Section]
    release: ReleaseInfo | None
    specs: dict[str, dict] = field(default_factory=dict)


def _tree(data: dict) -> dict[int, TeamNode]:
    return {
        int(team): TeamNode(int(team), n["name"], n["parent_id"], n["department"], n["path"])
        for team, n in data["tree"].items()
    }


def _live_tree(session: Session, assessment: Assessment) -> dict[int, TeamNode]:
    return {node.id: node for node in organisation_nodes(session, assessment.organisation_id)}


def released_dashboard(
    session: Session, assessment: Assessment, team_id: int, wave_id: int
) -> Dashboard:
    """One team's sections for one wave, from releases only."""
    releases = latest_releases(session, assessment)
    waves = [WaveInfo(w.id, w.name, w.instrument("rep")[1]) for w in assessment.waves]
    wave = next(w for w in waves if w.id == wave_id)
    current = releases.get(wave_id)
    if current is None:
        tree = _live_tree(session, assessment)
        view = ReleasedView(tree, waves, assessment.min_group_size, releases)
        team = tree[team_id]
        return Dashboard(view, team, wave, pending_sections(session, view, team, wave_id), None)
    data = {w: payload(session, info) for w, info in releases.items()}
    view = ReleasedView(_tree(data[wave_id]), waves, current.k, releases)
    team = view.teams.get(team_id)
    if team is None:
        team = _live_tree(session, assessment)[team_id]
        hidden = [(team.name, NOT_IN_TREE)]
        sections = {key: Section(key, key.title(), pd.DataFrame(), hidden) for key in KEYS}
        return Dashboard(view, team, wave, sections, current)
    sections = wave_sections(view, data[wave_id], team)
    released_waves = [w for w in waves if w.id in data]
    sections["trend"] = trend(view, data, released_waves, team_id, wave_id)
    sections["trend_test"] = trend_test(view, data, released_waves, team_id)
    sections["profile"] = profile(view, data, released_waves, team_id, wave_id)
    sections["change"] = change(view, data, released_waves, team_id, wave_id)
    sections["dimensions"] = dimension_section(
        view, data, released_waves, team_id, wave_id, previous_released(released_waves, wave_id)
    )
    sections["ladder"] = ladder(
        view, data, released_waves, team, wave_id, ladder_targets(assessment, wave_id)
    )
    return Dashboard(view, team, wave, sections, current)


KEYS = (*WAVE_SECTIONS, "trend", "trend_test", "profile", "change", "dimensions", "ladder")


def _summary(cell: dict) -> pd.DataFrame:
    return pd.DataFrame(cell["summary"], columns=SUMMARY_COLUMNS)


def previous_released(waves: list[WaveInfo], wave_id: int) -> WaveInfo | None:
    ids = [wave.id for wave in waves]
    if wave_id not in ids:
        return None
    position = ids.index(wave_id)
    return waves[position - 1] if position > 0 else None


def _rows(view, data, waves, team_ids, measures) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    shown, hidden = [], []
    for member in team_ids:
        name = view.teams[member].name
        for wave in waves:
            cell = team_cell(data[wave.id], member)
            if cell is None or not cell["visible"]:
                hidden.append((f"{name}, {wave.name}", hidden_reason(cell)))
                continue
            rows = _summary(cell)
            shown.append(rows[rows["measure"].isin(measures)].assign(group=name, wave=wave.name))
    columns = ["group", "wave", "measure", "n", "mean", "sd", "ci_low", "ci_high"]
    frame = pd.concat(shown, ignore_index=True)[columns] if shown else pd.DataFrame(columns=columns)
    return frame, hidden


def trend(view: ReleasedView, data, waves, team_id: int, wave_id: int) -> Section:
    """The index of the team (first) and each child over the released waves up to ``wave_id``
    (across a questionnaire change, on the items the versions share:
    :func:`~survey.releases.versions.comparison_basis`). Nothing under two released waves, nor
    when the team's own cells are all hidden or one wave alone is shown."""
    members = [team_id] + [child.id for child in view.children(team_id)]
    ids = [wave.id for wave in waves]
    basis = comparison_basis(data, waves[: ids.index(wave_id) + 1])
    frame, hidden = _rows(view, data, basis.waves, members, [basis.measure])
    frame = frame.drop(columns="measure")
    title = _("%(measure)s over the waves", measure=measure_name(basis.measure))
    figures = {} if basis.measure == INDEX else {"measure": basis.measure}
    if len(basis.waves) < 2:
        few = (
            _(
                "A trend needs two released waves: %(wave)s is the only one so far.",
                wave=basis.waves[0].name,
            )
            if basis.waves
            else _("A trend needs two released waves: none is yet.")
        )
        return Section("trend", title, frame.iloc[0:0], [], (*_noted(basis), few), figures)
    if not frame["group"].eq(view.teams[team_id].name).any() or frame["wave"].nunique() < 2:
        return Section("trend", title, frame.iloc[0:0], hidden, _noted(basis), figures)
    return Section("trend", title, frame, hidden, _noted(basis), figures)


def _noted(basis: Basis) -> tuple[str, ...]:
    return () if basis.note is None else (basis.note,)


def trend_test(view: ReleasedView, data, waves, team_id: int) -> Section:
    """The linear trend of the index over the released waves, for the team and each child.

    Least squares from each wave's released ``n``, mean and SD (:func:`analysis.change.trend`,
    wave number as time), over the waves in which the team's cell is shown; at least three.
    The verdicts' family is every team of the organisation (:func:`trend_family`).
    """
    family = trend_family(view, data, waves)
    rows, hidden = [], []
    for member in [team_id] + [child.id for child in view.children(team_id)]:
        name = view.teams[member].name
        if member not in family:
            hidden.append((name, _("a trend needs 3 released waves with its figures")))
            continue
        result, verdict = family[member]
        rows.append(
            {
                "group": name,
                "waves": result.n_waves,
                "answers": result.n,
                "per_wave": result.slope,
                **_tested(result, verdict),
            }
        )
    findings = _noted(comparison_basis(data, waves))
    return Section("trend_test", _("Trend over the waves"), pd.DataFrame(rows), hidden, findings)


def trend_family(view: ReleasedView, data, waves) -> dict:
    """Every team's trend and verdict, adjusted together: one family per set of releases,
    whichever wave's tree the page is drawn over."""
    key = ("trend family", *(view.releases[wave.id].id for wave in waves))
    return cached(key, lambda: trends_of_all_teams(data, waves))


def trends_of_all_teams(data, waves) -> dict:
    """:func:`trend_family` without the cache: every team that any of the releases shows."""
    basis = comparison_basis(data, waves)
    teams = sorted({int(team) for wave in basis.waves for team in data[wave.id]["cells"]})
    tested = {}
    for member in teams:
        rows = [
            (position, row)
            for position, wave in enumerate(basis.waves)
            if (cell := team_cell(data[wave.id], member)) is not None
            and cell["visible"]
            and (row := _measure_row(cell, basis.measure)) is not None
        ]
        if len(rows) < 3:
            continue
        tested[member] = linear_trend(
            [position for position, _ in rows],
            [row["n"] for _, row in rows],
            [row["mean"] for _, row in rows],
            [row["sd"] for _, row in rows],
        )
    return classify_family(tested)


def profile(view: ReleasedView, data, waves, team_id: int, wave_id: int) -> Section:
    """The six dimensions in this wave and the previous released one (when it asked the same
    questionnaire version), with the management climate in words where reps were asked."""
    before = previous_released(waves, wave_id)
    chosen = [w for w in waves if w.id == wave_id or (before and w.id == before.id)]
    basis = comparison_basis(data, chosen)
    if basis.measure != INDEX:  # other items: the dimensions are not set side by side
        basis = Basis(INDEX, [chosen[-1]], _other_version(before.name if before else ""))
    frame, hidden = _rows(view, data, basis.waves, [team_id], data[wave_id]["dimensions"])
    frame = frame.rename(columns={"measure": "dimension"}).drop(columns="group")
    cell = team_cell(data[wave_id], team_id)
    climate = _measure_row(cell, CLIMATE) if cell and cell["visible"] else None
    first = () if before else (_first_wave(),)
    findings = first + _noted(basis) + (() if climate is None else (_climate_words(climate),))
    title = _("The six dimensions against the previous wave") if before else _("The six dimensions")
    return Section("profile", title, frame, hidden, findings)


def _first_wave() -> str:
    return _(
        "There is no earlier released wave: the comparison with the previous wave appears once "
        "a second wave is released."
    )


def _other_version(wave: str) -> str:
    return _(
        "%(wave)s asked another version of the questionnaire: its dimensions came from partly "
        "different items, so they are not shown beside these.",
        wave=wave,
    )


def _climate_words(row: dict) -> str:
    """The management climate (how reps say they are managed) of a cell, in words."""
    return _(
        "How reps say they are managed: %(mean)s on the 0 (contractual) to 100 (purpose-driven) "
        "scale, from %(n)s answers; this describes their managers' way of leading, not the "
        "reps' own mindset.",
        mean=f"{row['mean']:.0f}",
        n=row["n"],
    )


def change(view: ReleasedView, data, waves, team_id: int, wave_id: int) -> Section:
    """The index change since the previous released wave, for the team and each child team.

    Each team's test and verdict come from :func:`change_family`, so a team reads the same on
    its own page, its parent's page, in the report and in the API.
    """
    before = previous_released(waves, wave_id)
    title = (
        _("Change since %(wave)s", wave=before.name)
        if before
        else _("Change since the previous wave")
    )
    members = [team_id] + [child.id for child in view.children(team_id)]
    basis = comparison_basis(data, [w for w in waves if before and w.id in (before.id, wave_id)])
    if before is not None and len(basis.waves) < 2:
        hidden = [(view.teams[member].name, basis.note or "") for member in members]
        return Section("change", title, pd.DataFrame(), hidden)
    family = change_family(view, data, before.id, wave_id) if before else {}
    rows, hidden = [], []
    for member in members:
        name = view.teams[member].name
        if before is None:
            hidden.append((name, _("no earlier released wave to compare with")))
            continue
        if member not in family:
            cells = [team_cell(data[w], member) for w in (before.id, wave_id)]
            wave_names = (before.name, _wave_name(view, wave_id))
            reason = next(
                (
                    _("%(reason)s in %(wave)s", reason=hidden_reason(cell), wave=wave_name)
                    for cell, wave_name in zip(cells, wave_names, strict=True)
                    if not (cell and cell["visible"])
                ),
                _(
                    "%(measure)s: not released for this team in both waves",
                    measure=measure_name(basis.measure),
                ),
            )
            hidden.append((name, reason))
            continue
        result, verdict = family[member]
        cells = [team_cell(data[w], member) for w in (before.id, wave_id)]
        n_before, n_after = (_measure_row(cell, basis.measure)["n"] for cell in cells)
        paired = isinstance(result, PairedChange)
        rows.append(
            {
                "group": name,
                "test": result.test,
                "n_before": n_before,
                "n_after": n_after,
                "pairs": result.n if paired else None,
                "mean_before": result.mean_before,
                "mean_after": result.mean_after,
                "difference": result.difference,
                **_tested(result, verdict),
                **_reliable_change(cells[1] if paired else None),
                "why_not_paired": None if paired else cells[1].get("paired_hidden"),
            }
        )
    measure = {} if basis.measure == INDEX else {"measure": basis.measure}
    return Section("change", title, pd.DataFrame(rows), hidden, _noted(basis), measure)


def _tested(result, verdict) -> dict:
    """The columns every tested change shows: interval, detectable change, p-value, words.

    The adjusted p-value is left out: over the organisation's family its ratio to the p-value
    would tell a manager how many teams outside their scope moved more clearly.
    """
    return {
        "ci_low": result.ci[0],
        "ci_high": result.ci[1],
        "detectable": result.detectable,
        "p_value": result.p_value,
        "verdict": verdict.label,
    }


def _reliable_change(after: dict | None) -> dict:
    """Jacobson & Truax's reliable change over a team's pairs, as its release stored it."""
    rci = (after or {}).get("paired", {}).get("rci") or {}
    return {
        "reliable_change_threshold": rci.get("threshold"),
        "reliably_towards_purpose": rci.get("towards_purpose"),
        "reliably_towards_contractual": rci.get("towards_contractual"),
        "no_reliable_change": rci.get("no_reliable_change"),
        "reliable_change_note": rci.get("undefined_reason"),
    }


def change_family(view: ReleasedView, data, before_id: int, after_id: int) -> dict:
    """Every team's index change between two released waves, with verdicts adjusted together.

    The family is fixed by the two releases: every team of the later release's tree whose cell
    is shown in both (Benjamini-Hochberg over all of them), never the teams one page lists, so
    a verdict does not depend on where it is read. A team's test is the paired t-test when the
    later release stored its paired part (confidential assessments, the same people in both
    waves; :mod:`survey.releases.payload`), else Welch's test from the two cells.
    """
    key = ("change family", view.releases[before_id].id, view.releases[after_id].id)
    return cached(key, lambda: changes_of_all_teams(view, data, before_id, after_id))


def changes_of_all_teams(view: ReleasedView, data, before_id: int, after_id: int) -> dict:
    """:func:`change_family` without the cache."""
    measure = comparison_basis(data, [w for w in view.waves if w.id in (before_id, after_id)])
    tested = {}
    for member in view.teams:
        cells = [team_cell(data[w], member) for w in (before_id, after_id)]
        if not all(cell and cell["visible"] for cell in cells):
            continue
        paired = cells[1].get("paired")
        if paired and paired.get("wave_id") == before_id:
            tested[member] = paired_from_summary(
                paired["n"],
                paired["difference"],
                float("nan") if paired["sd"] is None else paired["sd"],
                mean_before=paired["mean_before"],
            )
            continue
        b, a = (_measure_row(cell, measure.measure) for cell in cells)
        if b is None or a is None:
            continue
        tested[member] = compare_summaries(b["n"], b["mean"], b["sd"], a["n"], a["mean"], a["sd"])
    return classify_family(tested)


def _wave_name(view: ReleasedView, wave_id: int) -> str:
    return next(wave.name for wave in view.waves if wave.id == wave_id)


def _measure_row(cell: dict, measure: str) -> dict | None:
    """``n``, ``mean`` and ``sd`` of one measure of a shown cell; None if it has none."""
    found = next((r for r in cell["summary"] if r[0] == measure), None)
    if found is None:
        return None
    row = dict(zip(SUMMARY_COLUMNS, found, strict=True))
    sd = row["sd"]
    return {
        "n": int(row["n"]),
        "mean": float(row["mean"]),
        "sd": float("nan") if sd is None else float(sd),
    }


UNUSUAL_P = 0.05
"""Below this p-value a difference is said to be unusual if nothing had changed."""
PURPOSE_POLE = "purpose"
TEST_NAMES = {CHI_SQUARE: "Pearson's chi-square test", FISHER_EXACT: "Fisher's exact test"}


def ladder_targets(assessment: Assessment, wave_id: int) -> tuple[LadderTarget, ...]:
    """The WHY ladder's targets of the rep questionnaire the wave asks, with their poles, and
    "None of these" (no pole: a ladder ending there counts as not ending at a purpose target)."""
    wave = next(wave for wave in assessment.waves if wave.id == wave_id)
    questionnaire = questionnaire_for(*wave.instrument("rep"))
    return (*questionnaire.ladder.targets, NONE_OF_THESE) if questionnaire.ladder else ()


def ladder(
    view: ReleasedView,
    data,
    waves,
    team: TeamNode,
    wave_id: int,
    targets: Sequence[LadderTarget] = (),
) -> Section:
    """Where the WHY ladder ends, per released wave, for everyone in the team's subtree.

    With the previous released wave, also how the share of ladders ending at a purpose target
    moved since (:func:`_top_rung_change`).
    """
    rows, hidden = [], []
    for wave in waves:
        cell = team_cell(data[wave.id], team.id)
        if cell is None or not cell["visible"]:
            hidden.append((wave.name, hidden_reason(cell)))
            continue
        if not _ladders_shown(cell, view.k):
            hidden.append((wave.name, _("fewer than %(k)s answered the WHY ladder", k=view.k)))
            continue
        labels = {target.key: target.label for target in targets}  # older: stored under keys
        rows += [
            {"wave": wave.name, "rung": labels.get(rung, rung), "count": count}
            for rung, count in cell["ladder"].items()
        ]
    findings, figures = _top_rung_change(view, data, waves, team.id, wave_id, targets)
    return Section(
        "ladder", _("Where the WHY ladder ends"), pd.DataFrame(rows), hidden, findings, figures
    )


def _top_rung_change(
    view: ReleasedView,
    data,
    waves,
    team_id: int,
    wave_id: int,
    targets: Sequence[LadderTarget],
) -> tuple[tuple[str, ...], dict]:
    """How the top rungs moved between the previous released wave and this one, in words.

    :func:`analysis.ladder.compare_top_rungs` on the ladder counts of the team's two released
    cells, only when both are shown: every figure is a function of counts on the page. Nothing
    when there is no earlier released wave, or a stored count names a target the questionnaire
    does not list.
    """
    before = previous_released(waves, wave_id)
    purpose = [target.label for target in targets if target.pole == PURPOSE_POLE]
    if before is None or not purpose or len(purpose) == len(targets):
        return (), {}
    cells = [team_cell(data[wave], team_id) for wave in (before.id, wave_id)]
    if not all(_ladders_shown(cell, view.k) for cell in cells):
        return (), {}
    result = _top_rungs_compared(cells, targets, purpose, distribution=True)
    if result is None:
        return (), {}
    family = ladder_family(view, data, before.id, wave_id, targets, purpose)
    verdict = family[team_id][1] if team_id in family else None
    after = next(wave.name for wave in waves if wave.id == wave_id)
    figures = {
        "before": before.name,
        "after": after,
        "n_before": result.n_before,
        "n_after": result.n_after,
        "purpose_targets": purpose,
        "purpose_share_before": _number(result.purpose_share_before),
        "purpose_share_after": _number(result.purpose_share_after),
        "purpose_test": "Fisher's exact test",
        "purpose_p_value": _number(result.purpose_p_value),
        "distribution_test": result.distribution_test,
        "distribution_p_value": _number(result.distribution_p_value),
        "undefined_reason": result.undefined_reason,
    }
    if verdict is not None:
        figures["purpose_verdict"] = verdict.label
    return _top_rung_words(result, verdict, before.name, after, purpose), figures


def _top_rungs_compared(cells, targets, purpose, distribution: bool):
    """:func:`analysis.ladder.compare_top_rungs` on two stored cells' counts; None when a count
    names a target the questionnaire does not list."""
    code = {target.key: i for i, target in enumerate(targets)}
    code |= {target.label: i for i, target in enumerate(targets)}  # stored under labels
    counts = [cell.get("ladder") or {} for cell in cells]
    if any(name not in code for by_target in counts for name in by_target):
        return None
    tops = [
        np.repeat(
            np.array([code[name] for name in by_target], dtype=np.int64),
            np.array(list(by_target.values()), dtype=np.int64),
        )
        for by_target in counts
    ]
    labels = [target.label for target in targets]
    return compare_top_rungs(tops[0], tops[1], labels, purpose, distribution=distribution)


def ladder_family(
    view: ReleasedView, data, before_id: int, after_id: int, targets, purpose
) -> dict:
    """Every team's purpose-share change between two released waves, with verdicts adjusted
    together (Benjamini-Hochberg over every team shown in both), as :func:`change_family`."""
    key = ("ladder family", view.releases[before_id].id, view.releases[after_id].id)
    return cached(key, lambda: _ladder_changes(data, before_id, after_id, targets, purpose, view.k))


def _ladders_shown(cell: dict | None, k: int) -> bool:
    """Whether a cell's ladder counts are shown: the cell is, and at least ``k`` of its people
    answered the WHY ladder (an optional question; the chart refuses fewer)."""
    return bool(cell and cell["visible"] and sum((cell.get("ladder") or {}).values()) >= k)


def _ladder_changes(data, before_id: int, after_id: int, targets, purpose, k: int) -> dict:
    tested = {}
    for team in data[after_id]["cells"]:
        cells = [team_cell(data[w], int(team)) for w in (before_id, after_id)]
        if all(_ladders_shown(cell, k) for cell in cells):
            result = _top_rungs_compared(cells, targets, purpose, distribution=False)
            if result is not None and result.undefined_reason is None:
                tested[int(team)] = result
    return classify_family(tested)


def _top_rung_words(
    result, verdict, before: str, after: str, purpose: list[str]
) -> tuple[str, ...]:
    """What the two tests of :func:`analysis.ladder.compare_top_rungs` say: how unusual a
    difference this large would be if nothing had changed, never that a change is real."""
    if result.undefined_reason is not None:
        return (
            _(
                "Where the ladders end in %(before)s and %(after)s cannot be compared: %(reason)s.",
                before=before,
                after=after,
                reason=result.undefined_reason,
            ),
        )
    share_before = f"{result.purpose_share_before:.0%}"
    share_after = f"{result.purpose_share_after:.0%}"
    ladders = _(
        "%(n_before)s ladders in %(before)s, %(n_after)s in %(after)s",
        n_before=result.n_before,
        before=before,
        n_after=result.n_after,
        after=after,
    )
    fisher = _("Fisher's exact test, p %(p)s", p=_p(result.purpose_p_value))
    targets = _listed(purpose)
    if share_before == share_after:
        moved = _(
            "The share of ladders ending at %(targets)s stayed at %(share)s (%(ladders)s; "
            "%(test)s).",
            targets=targets,
            share=share_after,
            ladders=ladders,
            test=fisher,
        )
    else:
        evidence = verdict.evidence if verdict is not None else TOO_FEW
        moved = _(
            "The share of ladders ending at %(targets)s moved from %(share_before)s in "
            "%(before)s to %(share_after)s in %(after)s (%(ladders)s): %(evidence)s (%(test)s; "
            "judged together with every team of the organisation, Benjamini-Hochberg).",
            targets=targets,
            share_before=share_before,
            before=before,
            share_after=share_after,
            after=after,
            ladders=ladders,
            evidence=evidence_words(evidence),
            test=fisher,
        )
    test = TEST_NAMES.get(result.distribution_test, result.distribution_test)
    p = _p(result.distribution_p_value)
    if result.distribution_p_value < UNUSUAL_P:
        overall = _(
            "For this team alone (not adjusted for the other teams): across all the targets, a "
            "difference this large between where the ladders end in the two waves would be "
            "unusual if nothing had changed (%(test)s, p %(p)s).",
            test=_test_name(test),
            p=p,
        )
    else:
        overall = _(
            "For this team alone (not adjusted for the other teams): across all the targets, a "
            "difference this large between where the ladders end in the two waves would not be "
            "unusual if nothing had changed (%(test)s, p %(p)s).",
            test=_test_name(test),
            p=p,
        )
    return moved, overall


def _test_name(name: str) -> str:
    """The name of a ladder test in the reader's language (stored names stay English)."""
    return {
        "Pearson's chi-square test": _("Pearson's chi-square test"),
        "Fisher's exact test": _("Fisher's exact test"),
    }.get(name, name)


def _p(p_value: float) -> str:
    return "< 0.001" if p_value < 0.001 else f"= {p_value:.3f}"


def _listed(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    return _("%(names)s or %(last)s", names=", ".join(names[:-1]), last=names[-1])


def _number(value):
    """A figure for JSON: a plain float, None for NaN."""
    if value is None:
        return None
    value = float(value)
    return None if np.isnan(value) else value


def _cooperation_findings(measures: dict | None) -> tuple[tuple[str, ...], dict]:
    """The share of the links shown that cross departments, and their reciprocity, in words.

    ``measures`` are the cell's ``cooperation_measures``, stored with the release from exactly
    the links it shows (:func:`analysis.cooperation.cooperation_measures`); releases made
    before they were added have none, and nothing is said.
    """
    if not measures or not measures.get("links"):
        return (), {}
    links, crossing = measures["links"], measures["cross_department_links"]
    words = [
        _(
            "Of the %(links)s times help was reported between the teams shown, %(crossing)s "
            "(%(share)s) crossed departments.",
            links=links,
            crossing=crossing,
            share=f"{crossing / links:.0%}",
        )
    ]
    pairs, mutual = measures["connected_pairs"], measures["mutual_pairs"]
    if pairs:
        words.append(
            _(
                "Of the %(pairs)s pairs of different teams linked by help, %(mutual)s "
                "(%(share)s) helped each other both ways (reciprocity).",
                pairs=pairs,
                mutual=mutual,
                share=f"{mutual / pairs:.0%}",
            )
        )
    else:
        words.append(_("No help between different teams is shown, so there is no reciprocity."))
    return tuple(words), dict(measures)


def _perception_findings(table: pd.DataFrame) -> tuple[str, ...]:
    """Where the managers' view of the team lies outside the team's 95% interval, in words."""
    if table.empty or table["outside_interval"].isna().all():
        return ()
    outside = table[table["outside_interval"].eq(True)]
    above = outside.loc[outside["gap"] > 0, "dimension"].tolist()
    below = outside.loc[outside["gap"] < 0, "dimension"].tolist()
    words = []
    if above:
        words.append(
            _(
                "On %(dimensions)s, the managers' view of the team lies above the team's own "
                "95%% interval: they see more purpose than the team reports.",
                dimensions=_listed_all(above),
            )
        )
    if below:
        words.append(
            _(
                "On %(dimensions)s, the managers' view of the team lies below the team's own "
                "95%% interval: they see less purpose than the team reports.",
                dimensions=_listed_all(below),
            )
        )
    if words:
        words.append(
            _(
                "Each dimension is read on its own against the team's interval (no adjustment "
                "for reading six), so one dimension outside it may be chance."
            )
        )
    if not words and table["outside_interval"].eq(False).all():
        words.append(
            _(
                "On every dimension, the managers' view of the team lies within the team's own "
                "95% interval."
            )
        )
    return tuple(words)


def _listed_all(names: Sequence[str]) -> str:
    return join(list(names))


def _own_measures(summary: list | None, data: dict) -> list | None:
    """The index and the six dimensions of a cell's summary (not the climate, shown in words,
    nor the index on items shared with another version, shown where waves are compared)."""
    wanted = {INDEX, *data["dimensions"]}
    return None if summary is None else [row for row in summary if row[0] in wanted]


def wave_sections(view: ReleasedView, data: dict, team: TeamNode) -> dict[str, Section]:
    """The sections of one released wave for one team, cut from the stored cells."""
    cell = data["cells"][str(team.id)]
    alone = [] if cell["visible"] else [(team.name, cell["reason"])]
    children = view.children(team.id)
    members = children or [team]
    cells = {member.id: data["cells"][str(member.id)] for member in [team, *children]}
    shown = [member for member in members if cells[member.id]["visible"]]
    out_of_sight = [
        (member.name, cells[member.id]["reason"]) for member in members if member not in shown
    ]
    perception = _perception_table(cell.get("perception"))
    sections = {
        "headline": Section(
            "headline",
            _("Where this part of the organisation stands"),
            _table(_own_measures(cell.get("summary"), data), SUMMARY_COLUMNS),
            alone,
        ),
        "distribution": Section(
            "distribution",
            _("Where people sit on the continuum"),
            _histogram(team.name, cell.get("distribution")),
            alone,
        ),
        "heatmap": Section(
            "heatmap",
            _("Teams by dimension"),
            pd.DataFrame(
                [
                    {"group": child.name, "dimension": row[0], "n": row[1], "mean": row[2]}
                    | {"ci_low": row[4], "ci_high": row[5]}
                    for child in children
                    if cells[child.id]["visible"]
                    for row in cells[child.id]["summary"]
                    if row[0] in data["dimensions"]
                ],
                columns=HEATMAP_COLUMNS,
            ),
            [pair for pair in out_of_sight if children],
            *_heatmap_reliability(view, data, [child for child in children if child in shown]),
        ),
        "cooperation": Section(
            "cooperation",
            _("Who helps whom"),
            _table(cell.get("cooperation") or None, ["from_group", "to_group", "count"]),
            out_of_sight,
            *_cooperation_findings(cell.get("cooperation_measures")),
        ),
        "perception": Section(
            "perception",
            _("How managers see their teams, against the teams' own answers"),
            perception,
            [] if cell.get("perception") else [(team.name, cell["perception_hidden"])],
            _perception_findings(perception),
        ),
        "rates": Section(
            "rates",
            _("Response rates"),
            _rates_table(team, children, cells),
            out_of_sight,
        ),
    }
    return sections


FEWEST_TEAMS = 5
"""Leaf teams with released index figures needed to estimate ICC(1) for the heatmap."""
TYPICAL_ICC1 = (0.05, 0.20)
"""ICC(1) of work groups as Bliese (2000) reports them typical, for the heatmap's fallback."""
NOT_RANKED = "teams are listed in the organisation's order, not ranked"


def _heatmap_reliability(
    view: ReleasedView, data: dict, shown: list[TeamNode]
) -> tuple[tuple[str, ...], dict]:
    """How reliable the heatmap's team means are (ICC(2), Bliese 2000), in words and figures.

    ICC(1) comes from the released index rows (``n``, mean, SD) of every visible leaf team of
    the organisation in this wave (:func:`analysis.team_reliability.team_effects`): figures
    already released, so no group under ``k`` is disclosed (the spread between the
    organisation's teams is a figure about the whole organisation, shown to every manager).
    Each shown team's size is its index ``n``; applying the leaf teams' ICC(1) to a shown team
    that pools several is an approximation, and the sentence says "about".
    """
    if len(shown) < 2:
        return (), {}
    parents = {team.parent_id for team in view.teams.values()}
    rows = [
        row
        for team in view.teams
        if team not in parents and data["cells"][str(team)]["visible"]
        for row in data["cells"][str(team)].get("summary") or []
        if row[0] == INDEX and row[1] >= 2 and row[3] is not None
    ]
    effects = team_effects([r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows])
    sizes = sorted({n for team in shown if (n := _reps(data["cells"][str(team.id)])) is not None})
    sizes = sizes[:1] + sizes[-1:] if len(sizes) > 1 else sizes
    if effects.teams < FEWEST_TEAMS or np.isnan(effects.icc1):
        low, high = (mean_reliability(icc, n) for icc, n in zip(TYPICAL_ICC1, (5, 15), strict=True))
        why = (
            _(
                "%(teams)s teams with released figures, %(needed)s needed",
                teams=effects.teams,
                needed=FEWEST_TEAMS,
            )
            if effects.teams < FEWEST_TEAMS
            else _("its teams' figures do not allow it")
        )
        sentence = _(
            "The reliability of team means cannot be estimated from this organisation yet "
            "(%(why)s); with typical team effects (ICC(1) of %(icc_low)s to %(icc_high)s, Bliese "
            "2000) the mean of a team of 5 to 15 is about %(low)s to %(high)s reliable, so part "
            "of any difference between teams is chance: read each with its interval; teams are "
            "listed in the organisation's order, not ranked.",
            why=why,
            icc_low=_decimal(TYPICAL_ICC1[0]),
            icc_high=_decimal(TYPICAL_ICC1[1]),
            low=_decimal(low),
            high=_decimal(high),
        )
        return (sentence,), {"teams": effects.teams, "icc1": None}
    reliability = {n: mean_reliability(effects.icc1, n) for n in sizes}
    spread = _(
        "ICC(1) = %(icc1)s over %(teams)s teams of the lowest level, on the mindset index",
        icc1=_decimal(effects.icc1),
        teams=effects.teams,
    )
    if effects.icc1 <= 0:
        sentence = _(
            "Teams here differ no more than chance would make them (%(spread)s, Bliese 2000), so "
            "differences between their means cannot be told from chance; teams are listed in "
            "the organisation's order, not ranked.",
            spread=spread,
        )
    else:
        (first, r_first), *more = reliability.items()
        if more:
            (last, r_last), *_rest = more
            sentence = _(
                "How far team means can be trusted: with the spread between this "
                "organisation's teams (%(spread)s), a team of %(first)s has a mean about "
                "%(first_reliability)s reliable and one of %(last)s about %(last_reliability)s "
                "(ICC(2), Bliese 2000), so part of any difference between teams here is chance: "
                "read each with its interval; teams are listed in the organisation's order, not "
                "ranked.",
                spread=spread,
                first=first,
                first_reliability=_decimal(r_first),
                last=last,
                last_reliability=_decimal(r_last),
            )
        else:
            sentence = _(
                "How far team means can be trusted: with the spread between this "
                "organisation's teams (%(spread)s), a team of %(first)s has a mean about "
                "%(first_reliability)s reliable (ICC(2), Bliese 2000), so part of any difference "
                "between teams here is chance: read each with its interval; teams are listed in "
                "the organisation's order, not ranked.",
                spread=spread,
                first=first,
                first_reliability=_decimal(r_first),
            )
    figures = {
        "teams": effects.teams,
        "icc1": effects.icc1,
        "reliability": [{"size": n, "icc2": r} for n, r in reliability.items()],
    }
    return (sentence,), figures


def _decimal(value: float) -> str:
    """A coefficient as reports write it: .08, -.02."""
    return f"{value:.2f}".replace("0.", ".", 1)


HEATMAP_COLUMNS = ["group", "dimension", "n", "mean", "ci_low", "ci_high"]
PERCEPTION_COLUMNS = [
    "dimension",
    "managers",
    "manager_score",
    "manager_self_view",
    "team_mean",
    "ci_low",
    "ci_high",
    "gap",
    "outside_interval",
]


def _perception_table(rows: list | None) -> pd.DataFrame:
    """The stored perception rows; those of older releases lack the last columns (missing)."""
    width = len(PERCEPTION_COLUMNS)
    return _table([[*row, *[None] * (width - len(row))] for row in rows or []], PERCEPTION_COLUMNS)


def _table(rows: list | None, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame()


def _histogram(name: str, counts: list[int] | None) -> pd.DataFrame:
    if counts is None:
        return pd.DataFrame()
    starts = [BIN_WIDTH * i for i in range(len(counts))]
    return pd.DataFrame(
        {
            "group": name,
            "bin_start": starts,
            "bin_end": [start + BIN_WIDTH for start in starts],
            "count": counts,
        }
    )


RATE_COLUMNS = ["group", "invited", "reps", "managers", "answered", "rate"]
NO_MANAGER_QUESTIONNAIRE = "no manager questionnaire"


def _rates_table(team: TeamNode, children: list[TeamNode], cells: dict[int, dict]) -> pd.DataFrame:
    """Invitations and answers per child team, reps and managers apart, then the team's total.

    The total row is the team's own cell (the headline's count of reps); between them, the
    answers of the team's own members, where they can be told from the rows shown. A count the
    release hides stays hidden (None), and so does every difference or rate it is part of.
    """
    total = _rate(_("Total (%(team)s)", team=team.name), *_counts(cells[team.id]))
    if not children:
        return pd.DataFrame([{**total, "group": team.name}], columns=RATE_COLUMNS, dtype=object)
    rows = [_rate(child.name, *_counts(cells[child.id])) for child in children]
    own = [
        _difference(total[key], [row[key] for row in rows])
        for key in ("reps", "managers", "invited")
    ]
    if any(count != 0 for count in own if count is not None) or own[2] is None:
        rows.append(_rate(_("%(team)s (own members)", team=team.name), *own))
    return pd.DataFrame([*rows, total], columns=RATE_COLUMNS, dtype=object)


def _counts(cell: dict) -> tuple[int | None, int | None, int]:
    return _reps(cell), _managers(cell), cell["invited"]


def _difference(whole: int | None, parts: list[int | None]) -> int | None:
    if whole is None or any(part is None for part in parts):
        return None
    return whole - sum(parts)


def _rate(name: str, reps: int | None, managers: int | None, invited: int | None) -> dict:
    answered = None if reps is None or managers is None else reps + managers
    rate = answered / invited if answered is not None and invited and answered <= invited else None
    return {
        "group": name,
        "invited": invited,
        "reps": reps,
        "managers": managers,
        "answered": answered,
        "rate": rate,
    }


def _reps(cell: dict) -> int | None:
    """The reps a visible cell counts: its index's ``n``, as the headline states it."""
    if not cell["visible"]:
        return None
    index = next((row for row in cell.get("summary") or [] if row[0] == INDEX), None)
    return int(index[1]) if index else cell["n"]


def _managers(cell: dict) -> int | None:
    """The managers a cell counts where the release shows them (their view of the team), 0
    where none were asked; None where their count is hidden."""
    if cell.get("perception"):
        return int(cell["perception"][0][1])
    return 0 if cell.get("perception_hidden") == NO_MANAGER_QUESTIONNAIRE else None


def pending_sections(
    session: Session, view: ReleasedView, team: TeamNode, wave_id: int
) -> dict[str, Section]:
    """An unreleased wave: every section waits, and only coarsened counts are shown."""
    why = _(
        "results of this wave are released when it closes; until then only counts are shown, "
        "in steps of %(k)s",
        k=view.k,
    )
    sections = {key: Section(key, key.title(), pd.DataFrame(), [(team.name, why)]) for key in KEYS}
    sections["rates"] = live_counts(session, view, team, wave_id)
    return sections


def live_counts(session: Session, view: ReleasedView, team: TeamNode, wave_id: int) -> Section:
    """Answers so far per child team, rounded down to a multiple of ``k`` (None under ``k``)."""
    own = dict(
        session.execute(
            select(Response.team_id, func.count())
            .where(Response.wave_id == wave_id, Response.role == "rep")
            .group_by(Response.team_id)
        ).all()
    )
    teams = list(view.teams.values())
    rows, hidden = [], []
    for child in view.children(team.id) or [team]:
        total = sum(own.get(member, 0) for member in subtree_ids(teams, child.id))
        shown = coarse_count(total, view.k)
        if shown is None:
            hidden.append((child.name, _("fewer than %(k)s answers so far", k=view.k)))
        rows.append(
            {
                "group": child.name,
                "answered": _("%(count)s or more", count=shown) if shown else None,
            }
        )
    return Section("rates", _("Answers so far"), pd.DataFrame(rows), hidden)
