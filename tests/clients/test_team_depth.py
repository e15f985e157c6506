"""Team trees are at most ``MAX_TEAM_DEPTH`` (15) levels deep, and deeper ones still render.

A roster path or a team form that would go deeper is refused; a tree that is deeper anyway (an
older version, another tool) is walked without recursion, so its pages answer 200 and never
stop on Python's recursion limit.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from survey.campaigns.rates import rate_rows
from survey.clients.names import MAX_TEAM_DEPTH
from survey.clients.roster_import import _team_keys
from survey.models import Person, Team
from tests.clients.helpers import actions, post_form, upload
from tests.factories import gen_team

HEADER = "team path;e-mail;role\r\n"


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def chain(dbs, answered_org, levels: int, under: Team | None = None, name: str = "L") -> list[Team]:
    """``levels`` teams, each inside the one before, written straight into the database."""
    teams, parent = [], under
    for level in range(1, levels + 1):
        parent = gen_team(dbs, answered_org.organisation, f"{name}{level}", parent)
        teams.append(parent)
    return teams


def team_count(dbs) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(Team))


def test_a_roster_path_deeper_than_15_levels_is_refused_with_its_line(
    consultant_client, dbs, answered_org
):
    deep = "/".join(f"T{n}" for n in range(1, 1101))
    roster = HEADER + "Global/France;ann@example.com;rep\r\n" + f"{deep};bob@example.com;rep\r\n"
    before = (team_count(dbs), dbs.scalar(select(func.count()).select_from(Person)))
    response = upload(consultant_client, answered_org.organisation.id, roster.encode())
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert "Line 3: The team path starting 'T1/T2/T3/" in text
    assert "has 1,100 levels; a team path has at most 15." in text
    assert (team_count(dbs), dbs.scalar(select(func.count()).select_from(Person))) == before
    assert actions(dbs) == []


def test_a_roster_path_of_15_levels_is_accepted(consultant_client, answered_org):
    path = "/".join(f"T{n}" for n in range(1, MAX_TEAM_DEPTH + 1))
    response = upload(
        consultant_client, answered_org.organisation.id, f"{HEADER}{path};a@x.org;rep\r\n".encode()
    )
    assert response.status_code == 302


def test_a_team_cannot_be_added_below_the_15th_level(consultant_client, dbs, answered_org):
    teams = chain(dbs, answered_org, MAX_TEAM_DEPTH)
    new = f"/clients/{answered_org.organisation.id}/teams/new"
    before = team_count(dbs)
    refused = post_form(consultant_client, new, {"name": "Too deep", "parent": str(teams[-1].id)})
    assert refused.status_code == 422
    assert "a team path has at most 15 levels" in refused.get_data(as_text=True)
    assert team_count(dbs) == before
    added = post_form(consultant_client, new, {"name": "Deep enough", "parent": str(teams[-2].id)})
    assert added.status_code == 302
    assert team_count(dbs) == before + 1


def test_a_team_cannot_move_where_it_or_a_team_below_it_would_pass_15_levels(
    consultant_client, dbs, answered_org
):
    teams = chain(dbs, answered_org, MAX_TEAM_DEPTH - 1)  # levels 1 to 14
    france = answered_org.teams["France"]  # France > Paris: two levels
    edit = f"/clients/{answered_org.organisation.id}/teams/{france.id}/edit"
    data = {"name": "France", "department": "sales"}
    refused = post_form(consultant_client, edit, {**data, "parent": str(teams[-1].id)})
    assert refused.status_code == 422  # Paris would sit at level 16
    assert "would put a team 16 levels down" in refused.get_data(as_text=True)
    dbs.expire_all()
    assert dbs.get(Team, france.id).parent_id == answered_org.teams["Global"].id
    moved = post_form(consultant_client, edit, {**data, "parent": str(teams[-2].id)})
    assert moved.status_code == 302  # Paris at level 15
    dbs.expire_all()
    assert dbs.get(Team, france.id).parent_id == teams[-2].id


class _Nesting(HTMLParser):
    """For each team name in a ``<strong>``, the names of the list items around it."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str | None] = []  # one entry per open <li>: its team's name
        self.found: dict[str, list[str]] = {}
        self._in_name = False

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self.open.append(None)
        self._in_name = tag == "strong"

    def handle_endtag(self, tag):
        if tag == "li":
            self.open.pop()
        self._in_name = False

    def handle_data(self, data):
        if self._in_name and self.open and data.strip():
            self.open[-1] = data.strip()
            self.found[data.strip()] = [name for name in self.open[:-1] if name]


@pytest.mark.parametrize("depth", [200, pytest.param(600, marks=pytest.mark.slow)])
def test_a_deep_tree_still_renders_the_organisation_and_rates_pages(
    consultant_client, dbs, answered_org, depth
):
    """200 levels, and 600 (a recursive template stopped on Python's recursion limit near 220)."""
    deep = chain(dbs, answered_org, depth, under=answered_org.teams["Product"])
    page = consultant_client.get(f"/clients/{answered_org.organisation.id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert f"Product/{'/'.join(team.name for team in deep)}" in body  # the deepest path
    nesting = _Nesting()
    nesting.feed(body)
    assert nesting.open == []  # every list item closed
    assert nesting.found[f"L{depth}"] == ["Product", *(f"L{n}" for n in range(1, depth))]
    assert nesting.found["Paris"] == ["Global", "France"]
    assert nesting.found["Spain"] == ["Global"]
    wave = answered_org.waves[-1]
    assessment = f"/clients/{answered_org.organisation.id}/assessments/{answered_org.assessment.id}"
    rates = f"{assessment}/waves/{wave.id}"
    assert consultant_client.get(f"{rates}/rates").status_code == 200
    assert consultant_client.get(f"{rates}/rates.json").status_code == 200
    edit = f"/clients/{answered_org.organisation.id}/teams/{deep[-1].id}/edit"
    assert consultant_client.get(edit).status_code == 200


def test_rates_and_roster_keys_walk_a_3000_deep_tree_without_recursion():
    """Far past Python's recursion limit (1,000 frames): the walks use their own stacks."""
    depth = 3000
    teams = [Team(id=n, parent_id=n - 1 if n > 1 else None, name=f"L{n}") for n in range(1, depth)]
    teams.append(Team(id=depth, parent_id=depth - 1, name="Leaf"))
    invited = {team.id: 2 for team in teams}
    responses = {team.id: {("rep", "personal"): 1, ("rep", "team_link"): 1} for team in teams}
    rows = rate_rows(teams, invited, responses)
    assert [row.depth for row in rows] == list(range(depth))
    assert (rows[0].subtree.invited, rows[0].subtree.answered) == (2 * depth, 2 * depth)
    assert (rows[0].own.answered, rows[-1].subtree.answered) == (2, 2)
    usable, archived = _team_keys(list(reversed(teams)))
    assert archived == {}
    assert usable[(*(f"l{n}" for n in range(1, depth)), "leaf")].name == "Leaf"
