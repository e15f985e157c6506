"""The dashboard section "dimensions": each of a team's dimensions against its previous released
wave and against the rest of the organisation, tested, from the stored releases only.

The tests and their families are :mod:`analysis.dimension_comparison`'s: every (team,
dimension) of the organisation between the same two releases, and every (team, dimension) of
one release against the rest, each adjusted with Benjamini-Hochberg, so a team reads the same
on every page. Only the team's own rows are shown, only from shown cells; the adjusted p-value
is never shown (:func:`survey.releases.read._tested` says why).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd
from flask_babel import gettext as _

from analysis.change import PairedChange
from analysis.dimension_comparison import (
    REST,
    PairedSummary,
    Summary,
    Tested,
    against_rest,
    dimension_changes,
)
from survey.aggregates.model import INDEX, Section, WaveInfo
from survey.releases.cells import cached, hidden_reason, is_shown, team_cell
from survey.releases.versions import comparison_basis

if TYPE_CHECKING:
    from survey.releases.read import ReleasedView

TITLE = "Each dimension against the last wave and the rest of the organisation"
"""The section's title in English; :func:`title` gives it in the reader's language."""
FIRST_WAVE = (
    "This is the first released wave: each dimension is compared with the rest of the "
    "organisation only, and with the previous wave from the next release on."
)
"""The first wave's finding in English (the section gives it in the reader's language)."""
COLUMNS = [
    "dimension",
    "against",
    "n_team",
    "n_other",
    "difference",
    "ci_low",
    "ci_high",
    "p_value",
    "verdict",
    "test",
]


def title() -> str:
    """The section's title in the reader's language."""
    return _("Each dimension against the last wave and the rest of the organisation")


def against_label(dimension: str, wave: str) -> str:
    """How a dimension hidden against an earlier wave is named in the section's hidden notes."""
    return _("%(dimension)s, against %(wave)s", dimension=dimension, wave=wave)


def team_wave_label(team: str, wave: str) -> str:
    """How a team's hidden cell of an earlier wave is named in the section's hidden notes."""
    return _("%(team)s, %(wave)s", team=team, wave=wave)


def dimension_section(
    view: ReleasedView,
    data: dict,
    waves: list[WaveInfo],
    team_id: int,
    wave_id: int,
    before: WaveInfo | None,
) -> Section:
    """The team's dimensions against ``before`` (the previous released wave, None in the
    first) and against the rest of the organisation in ``wave_id``; columns :data:`COLUMNS`.

    ``n_team`` and ``n_other`` are the answers on each side (both the pairs for a paired
    test); ``difference`` is the team minus the rest, or this wave minus ``before``.
    """
    name = view.teams[team_id].name
    cell = team_cell(data[wave_id], team_id)
    if not is_shown(cell):
        return Section(
            "dimensions", title(), pd.DataFrame(columns=COLUMNS), [(name, hidden_reason(cell))]
        )
    dimensions = list(data[wave_id]["dimensions"])
    rows: list[dict] = []
    hidden: list[tuple[str, str]] = []
    findings: list[str] = []
    if before is None:
        findings.append(
            _(
                "This is the first released wave: each dimension is compared with the rest of "
                "the organisation only, and with the previous wave from the next release on."
            )
        )
    else:
        chosen = [wave for wave in waves if wave.id in (before.id, wave_id)]
        basis = comparison_basis(data, chosen)
        earlier = team_cell(data[before.id], team_id)
        if basis.measure != INDEX or len(basis.waves) < 2:
            findings.append(
                _(
                    "%(wave)s asked another version of the questionnaire: its dimensions came "
                    "from partly different items, so they are not compared with this wave's.",
                    wave=before.name,
                )
            )
        elif not is_shown(earlier):
            hidden.append((team_wave_label(name, before.name), hidden_reason(earlier)))
        else:
            family = wave_family(view, data, before.id, wave_id)
            for dimension in dimensions:
                if (team_id, dimension) in family:
                    rows.append(_row(dimension, before.name, *family[team_id, dimension]))
                else:
                    hidden.append(
                        (
                            against_label(dimension, before.name),
                            _("not released for this team in both waves"),
                        )
                    )
    if _tops(data[wave_id])[team_id] == team_id:
        findings.append(
            _(
                "%(team)s is a top team: the rest of the organisation is compared from the teams "
                "below it.",
                team=name,
            )
        )
    else:
        family = rest_family(view, data, wave_id)
        for dimension in dimensions:
            if (team_id, dimension) in family:
                rows.append(_row(dimension, REST, *family[team_id, dimension]))
            else:
                hidden.append(
                    (
                        _(
                            "%(dimension)s, against the rest of the organisation",
                            dimension=dimension,
                        ),
                        _rest_reason(view, data, wave_id, team_id),
                    )
                )
    return Section(
        "dimensions", title(), pd.DataFrame(rows, columns=COLUMNS), hidden, tuple(findings)
    )


def _row(dimension: str, against: str, result, verdict) -> dict:
    paired = isinstance(result, PairedChange)
    return {
        "dimension": dimension,
        "against": against,
        "n_team": result.n if paired else result.n_after,
        "n_other": result.n if paired else result.n_before,
        "difference": result.difference,
        "ci_low": result.ci[0],
        "ci_high": result.ci[1],
        "p_value": result.p_value,
        "verdict": verdict.label,
        "test": result.test,
    }


def wave_family(view: ReleasedView, data: dict, before_id: int, after_id: int) -> dict:
    """Every (team, dimension)'s change between two releases, with verdicts adjusted together
    (:func:`analysis.dimension_comparison.dimension_changes`): every team of the later
    release's tree shown in both, paired where the later release stored the dimension's pairs."""
    key = ("dimension change family", view.releases[before_id].id, view.releases[after_id].id)
    return cached(
        key,
        lambda: dimension_changes(
            summaries(data[before_id]),
            summaries(data[after_id]),
            _paired(data, before_id, after_id),
        ),
    )


def rest_family(view: ReleasedView, data: dict, wave_id: int) -> dict[tuple[int, str], Tested]:
    """Every (team, dimension) of a release against the rest of the organisation, with verdicts
    adjusted together (:func:`analysis.dimension_comparison.against_rest`)."""
    release = view.releases[wave_id]
    key = ("dimension rest family", release.id)
    return cached(
        key, lambda: against_rest(summaries(data[wave_id]), _tops(data[wave_id]), release.k)
    )


def summaries(payload: dict) -> dict[int, dict[str, Summary]]:
    """Every shown team's released dimensions: ``{team: {dimension: Summary}}``."""
    wanted = set(payload["dimensions"])
    return {
        int(team): {
            row[0]: Summary(int(row[1]), float(row[2]), math.nan if row[3] is None else row[3])
            for row in cell.get("summary") or []
            if row[0] in wanted and row[1] and row[2] is not None
        }
        for team, cell in payload["cells"].items()
        if cell["visible"]
    }


def _paired(data: dict, before_id: int, after_id: int) -> dict[int, dict[str, PairedSummary]]:
    """The dimensions' paired figures the later release stored with ``before_id`` (none in
    releases made before they were stored: those dimensions use Welch's test)."""
    found: dict[int, dict[str, PairedSummary]] = {}
    for team, cell in data[after_id]["cells"].items():
        paired = cell.get("paired")
        if not paired or paired.get("wave_id") != before_id:
            continue
        found[int(team)] = {
            dimension: PairedSummary(paired["n"], figures["difference"], figures["sd"])
            for dimension, figures in paired.get("dimensions", {}).items()
        }
    return found


def _tops(payload: dict) -> dict[int, int]:
    """Each team of a release's tree and the top team of its tree (itself for a top team)."""
    parents = {int(team): node["parent_id"] for team, node in payload["tree"].items()}
    tops = {}
    for team in parents:
        top, seen = team, 0
        while parents.get(top) is not None and seen <= len(parents):
            top, seen = parents[top], seen + 1
        tops[team] = top
    return tops


def _rest_reason(view: ReleasedView, data: dict, wave_id: int, team_id: int) -> str:
    top = _tops(data[wave_id])[team_id]
    if not is_shown(team_cell(data[wave_id], top)):
        return _("the rest of the organisation is not shown in this wave")
    return _("fewer than %(k)s people in the rest of the organisation", k=view.releases[wave_id].k)
