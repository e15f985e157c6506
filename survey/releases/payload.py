"""What a release stores: the tree, each team's cell, and each team's sections for its wave.

Everything is plain JSON (team ids as strings), computed once from the suppressed view, so a
page that shows a release only reads it. Sections that span waves (trend, change, profile, the
ladder over time) are put together when shown, from the cells of each wave's release.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.privacy import COMPLEMENTARY, NO_ANSWERS, Suppression, too_few_answers
from survey.dashboard import model
from survey.dashboard.loading import WaveScores
from survey.models.organisation import subtree_ids


def release_payload(
    view: model.OrganisationView,
    wave: model.WaveInfo,
    managers: WaveScores | None,
    manager_cells: Suppression | None,
    ladder_labels: dict[str, str],
    invited: dict[int, tuple[int, int]],
) -> dict:
    """The stored figures of one wave's release, after suppression and the auditor."""
    reasons = {team: _reason(view, team, wave.id) for team in view.teams}
    cells = {}
    for team in view.teams:
        decision = view.suppression.decision(team, wave.id)
        summary = model.headline(view, team, wave.id).table if decision.visible else None
        cells[str(team)] = {
            "n": decision.n if decision.visible else None,
            "visible": decision.visible,
            "reason": reasons[team],
            "summary": table_json(summary) if summary is not None else None,
        }
    sections = {}
    for team in view.teams:
        built = [
            model.headline(view, team, wave.id),
            model.distribution(view, team, wave.id),
            model.heatmap(view, team, wave.id),
            model.ladder(view, team, ladder_labels),
            model.cooperation(view, team, wave.id),
            model.perception(view, managers, manager_cells, team, wave.id),
            released_rates(view, team, wave.id, invited),
        ]
        sections[str(team)] = {
            section.key: section_json(_explained(section, view, reasons)) for section in built
        }
    return {
        "wave": {"id": wave.id, "name": wave.name},
        "tree": {
            str(node.id): {
                "name": node.name,
                "parent_id": node.parent_id,
                "department": node.department,
                "path": node.path,
            }
            for node in view.teams.values()
        },
        "cells": cells,
        "sections": sections,
    }


def released_rates(
    view: model.OrganisationView, team_id: int, wave_id: int, invited: dict[int, tuple[int, int]]
) -> model.Section:
    """Invitations and released answers per child team; answers only where the cell is shown."""
    rows, hidden = [], []
    teams = list(view.teams.values())
    for child in view.children(team_id) or [view.teams[team_id]]:
        sent = sum(invited.get(member, (0, 0))[0] for member in subtree_ids(teams, child.id))
        decision = view.suppression.decision(child.id, wave_id)
        answers = decision.n if decision.visible else None
        if answers is None:
            hidden.append((child.name, view.reason(child.id, wave_id)))
        rows.append(
            {
                "group": child.name,
                "invited": sent,
                "answered": answers,
                "rate": answers / sent if answers is not None and 0 < answers <= sent else None,
            }
        )
    return model.Section("rates", "Response rates", pd.DataFrame(rows), hidden)


def _reason(view: model.OrganisationView, team_id: int, wave_id: int) -> str | None:
    """Why a cell is hidden, and for a complement, which small team it protects."""
    reason = view.reason(team_id, wave_id)
    small = too_few_answers(view.k)
    if reason == NO_ANSWERS:  # "none" and "a few" are told apart for nobody
        return small
    if reason != COMPLEMENTARY:
        return reason
    parent = view.teams[team_id].parent_id
    siblings = [
        other.name
        for other in (view.children(parent) if parent is not None else [])
        if other.id != team_id and view.reason(other.id, wave_id) in (small, NO_ANSWERS)
    ]
    if not siblings:
        return reason
    names = " and ".join(siblings)
    return (
        f"hidden together with {names}, which has {small}; shown when {names} has {view.k} or more"
    )


def _explained(section: model.Section, view, reasons: dict[int, str | None]) -> model.Section:
    """The section with hidden reasons in the release's words."""
    by_name = {view.teams[team].name: reason for team, reason in reasons.items() if reason}
    hidden = []
    for label, reason in section.hidden:
        name = label.rsplit(", ", 1)[0]
        hidden.append((label, by_name.get(name, reason) if reason else reason))
    return model.Section(section.key, section.title, section.table, hidden)


def table_json(table: pd.DataFrame) -> dict:
    """A table as ``{"columns": [...], "rows": [[...], ...]}``; NaN becomes None."""
    return {
        "columns": [str(column) for column in table.columns],
        "rows": [[_plain(value) for value in row] for row in table.itertuples(index=False)],
    }


def table_from_json(data: dict) -> pd.DataFrame:
    return pd.DataFrame(data["rows"], columns=data["columns"])


def section_json(section: model.Section) -> dict:
    return {
        "title": section.title,
        "table": table_json(section.table),
        "hidden": [[label, reason] for label, reason in section.hidden],
    }


def section_from_json(key: str, data: dict) -> model.Section:
    return model.Section(
        key,
        data["title"],
        table_from_json(data["table"]),
        [(label, reason) for label, reason in data["hidden"]],
    )


def _plain(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
