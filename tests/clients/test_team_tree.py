"""Editing the team tree: add, rename, move, archive, delete; with counts, refusals and audit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey.clients.teams import team_references, team_tree
from survey.models import AuditEvent, Team
from tests.auth.helpers import login
from tests.clients.helpers import actions, post_form
from tests.factories import gen_person


def url(answered_org, team: str | None = None, action: str = "edit") -> str:
    base = f"/clients/{answered_org.organisation.id}"
    return (
        f"{base}/teams/new"
        if team is None
        else f"{base}/teams/{answered_org.teams[team].id}/{action}"
    )


def fresh(dbs, team: Team) -> Team:
    dbs.expire_all()
    return dbs.get(Team, team.id)


def team_count(dbs) -> int:
    return dbs.scalar(select(func.count()).select_from(Team))


def test_the_tree_shows_counts_of_people_and_responses(consultant_client, dbs, answered_org):
    gen_person(dbs, answered_org.teams["Paris"], "p@x.org")
    page = consultant_client.get(f"/clients/{answered_org.organisation.id}").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    # Per wave: France 6, Paris 7, Spain 3, Product 6 responses (REFERENCE_COUNTS), 2 waves;
    # shown in steps of k = 5, so that no live count shows one person answering.
    assert "France sales 12 people" not in text
    assert (
        "France sales 0 people, 10 or more responses; with the teams below: 1 people, "
        "25 or more responses" in text
    )
    assert "Paris sales 1 people, 10 or more responses" in text
    assert "Spain sales 0 people, 5 or more responses" in text
    assert (
        "Global sales 0 people, fewer than 5 responses; with the teams below: 1 people, "
        "30 or more responses" in text
    )
    assert "5 active teams, 1 person on the roster, 40 or more responses" in text
    assert "14 responses" not in text and "44" not in text


def test_team_tree_nests_and_totals(dbs, answered_org):
    tree = team_tree(dbs, answered_org.organisation.id)
    assert [node.team.name for node in tree.roots] == ["Global", "Product"]
    assert [node.path for node in tree.nodes()] == [
        "Global",
        "Global/France",
        "Global/France/Paris",
        "Global/Spain",
        "Product",
    ]
    (global_node, product) = tree.roots
    assert (global_node.total_responses, product.total_responses) == (32, 12)
    assert not global_node.deletable  # it has teams of its own


def test_add_a_team_at_the_top_and_inside_another(consultant_client, dbs, answered_org):
    response = post_form(
        consultant_client, url(answered_org), {"name": "Marketing", "department": "marketing"}
    )
    assert response.status_code == 302
    marketing = dbs.scalar(select(Team).where(Team.name == "Marketing"))
    assert (marketing.parent_id, marketing.department) == (None, "marketing")
    france = answered_org.teams["France"]
    form_page = consultant_client.get(f"{url(answered_org)}?parent={france.id}").get_data(
        as_text=True
    )
    assert f'<option selected value="{france.id}">Global/France</option>' in form_page
    data = {"name": "Lyon", "department": "sales", "parent": str(france.id)}
    assert post_form(consultant_client, url(answered_org), data).status_code == 302
    lyon = dbs.scalar(select(Team).where(Team.name == "Lyon"))
    assert lyon.parent_id == france.id
    events = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "team.create")).all()
    assert [(e.target, e.details["parent_id"]) for e in events] == [
        (f"team {marketing.id}", None),
        (f"team {lyon.id}", france.id),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Give the team a name."),
        ({"name": "North/South"}, "A team name cannot contain &#39;/&#39;"),
        ({"name": "global"}, "A team named Global exists at the top level already."),
        ({"name": "Sales", "department": "finance"}, "Not a valid choice."),
        ({"name": "Sales", "parent": "abc"}, "Invalid Choice: could not coerce."),
        ({"name": "Sales", "parent": "999999"}, "only go under a team of the same organisation"),
    ],
)
def test_a_bad_new_team_is_refused_with_422(consultant_client, dbs, answered_org, data, message):
    before = team_count(dbs)
    response = post_form(consultant_client, url(answered_org), {"department": "sales", **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert team_count(dbs) == before
    assert "team.create" not in actions(dbs)


def test_rename_and_change_department(consultant_client, dbs, answered_org):
    spain = answered_org.teams["Spain"]
    data = {"name": "Iberia", "department": "other", "parent": str(answered_org.teams["Global"].id)}
    assert post_form(consultant_client, url(answered_org, "Spain"), data).status_code == 302
    spain = fresh(dbs, spain)
    assert (spain.name, spain.department, spain.parent_id) == ("Iberia", "other", spain.parent_id)
    assert actions(dbs) == ["team.rename", "team.department"]
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "team.rename"))
    assert event.details == {"old_name": "Spain", "new_name": "Iberia"}


def test_a_sibling_name_is_refused_ignoring_case(consultant_client, dbs, answered_org):
    data = {"name": "FRANCE", "department": "sales", "parent": str(answered_org.teams["Global"].id)}
    response = post_form(consultant_client, url(answered_org, "Spain"), data)
    assert response.status_code == 422
    assert "A team named France exists there already." in response.get_data(as_text=True)
    assert fresh(dbs, answered_org.teams["Spain"]).name == "Spain"


def test_move_a_team_with_everything_below_it(consultant_client, dbs, answered_org):
    data = {
        "name": "France",
        "department": "sales",
        "parent": str(answered_org.teams["Product"].id),
    }
    assert post_form(consultant_client, url(answered_org, "France"), data).status_code == 302
    assert fresh(dbs, answered_org.teams["France"]).parent_id == answered_org.teams["Product"].id
    paths = [node.path for node in team_tree(dbs, answered_org.organisation.id).nodes()]
    assert "Product/France/Paris" in paths
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "team.move"))
    assert event.details == {
        "old_parent_id": answered_org.teams["Global"].id,
        "new_parent_id": answered_org.teams["Product"].id,
    }
    # And back to the top level.
    data["parent"] = ""
    assert post_form(consultant_client, url(answered_org, "France"), data).status_code == 302
    assert fresh(dbs, answered_org.teams["France"]).parent_id is None


@pytest.mark.parametrize("target", ["France", "Paris"])
def test_a_move_under_itself_or_below_is_refused(consultant_client, dbs, answered_org, target):
    data = {"name": "France", "department": "sales", "parent": str(answered_org.teams[target].id)}
    response = post_form(consultant_client, url(answered_org, "France"), data)
    assert response.status_code == 422
    assert "cannot move under itself or under one of its teams" in response.get_data(as_text=True)
    assert fresh(dbs, answered_org.teams["France"]).parent_id == answered_org.teams["Global"].id
    assert "team.move" not in actions(dbs)


def test_the_move_choices_leave_out_the_team_and_its_subtree(consultant_client, answered_org):
    page = consultant_client.get(url(answered_org, "France")).get_data(as_text=True)
    options = re.findall(r"<option[^>]*>([^<]+)</option>", page)
    assert "Global/France/Paris" not in options and "Global/France" not in options
    assert "Global/Spain" in options and "(top level)" in options
    assert f'<option selected value="{answered_org.teams["Global"].id}">Global</option>' in page
    assert 'value="France"' in page and '<option selected value="sales">' in page


def test_a_move_into_another_organisation_is_refused(consultant_client, dbs, answered_org):
    rival_team = answered_org.rival_team.id
    data = {"name": "France", "department": "sales", "parent": str(rival_team)}
    response = post_form(consultant_client, url(answered_org, "France"), data)
    assert response.status_code == 422
    assert "only go under a team of the same organisation" in response.get_data(as_text=True)
    assert fresh(dbs, answered_org.teams["France"]).parent_id == answered_org.teams["Global"].id


def test_a_failed_move_also_undoes_the_rename_of_the_same_form(
    consultant_client, dbs, answered_org
):
    data = {"name": "Francia", "department": "other", "parent": str(answered_org.teams["Paris"].id)}
    assert post_form(consultant_client, url(answered_org, "France"), data).status_code == 422
    france = fresh(dbs, answered_org.teams["France"])
    assert (france.name, france.department) == ("France", "sales")
    assert actions(dbs) == []


def test_a_team_with_responses_is_archived_never_deleted(consultant_client, dbs, answered_org):
    france = answered_org.teams["France"]
    page = consultant_client.get(f"/clients/{answered_org.organisation.id}").get_data(as_text=True)
    assert f"/teams/{france.id}/delete" not in page
    assert f"/teams/{france.id}/archive" in page
    delete_page = consultant_client.get(url(answered_org, "France", "delete")).get_data(
        as_text=True
    )
    assert "can only be" in delete_page and 'type="checkbox"' not in delete_page
    response = post_form(
        consultant_client, url(answered_org, "France", "delete"), {"confirm": "y"}, page="/"
    )
    assert response.status_code == 422
    assert "so it can only be archived" in response.get_data(as_text=True)
    assert fresh(dbs, france) is not None
    assert "team.delete" not in actions(dbs)


def test_archiving_asks_for_confirmation_then_archives_the_subtree(
    consultant_client, dbs, answered_org
):
    confirm_page = consultant_client.get(url(answered_org, "France", "archive")).get_data(
        as_text=True
    )
    assert "These 2 teams will be archived" in confirm_page and "Paris" in confirm_page
    unticked = post_form(consultant_client, url(answered_org, "France", "archive"), {})
    assert unticked.status_code == 422
    assert "Tick the box to confirm." in unticked.get_data(as_text=True)
    assert fresh(dbs, answered_org.teams["France"]).archived_at is None
    response = post_form(
        consultant_client, url(answered_org, "France", "archive"), {"confirm": "y"}
    )
    assert response.status_code == 302
    assert fresh(dbs, answered_org.teams["France"]).archived_at is not None
    assert fresh(dbs, answered_org.teams["Paris"]).archived_at is not None
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "team.archive"))
    assert event.details == {"name": "France", "teams": 2}
    page = consultant_client.get(f"/clients/{answered_org.organisation.id}").get_data(as_text=True)
    assert "Archived teams" in page and "Global/France/Paris" in page
    # Archived teams keep their responses and leave the tree; they cannot be edited.
    tree = team_tree(dbs, answered_org.organisation.id)
    assert [node.path for node in tree.archived] == ["Global/France", "Global/France/Paris"]
    assert [node.responses for node in tree.archived] == [12, 14]
    assert consultant_client.get(url(answered_org, "France")).status_code == 404


def test_a_team_without_anything_is_deleted_after_confirmation(
    consultant_client, dbs, answered_org
):
    post_form(consultant_client, url(answered_org), {"name": "Temp", "department": "other"})
    temp = dbs.scalar(select(Team.id).where(Team.name == "Temp"))
    page = consultant_client.get(f"/clients/{answered_org.organisation.id}").get_data(as_text=True)
    delete_url = f"/clients/{answered_org.organisation.id}/teams/{temp}/delete"
    assert delete_url in page
    assert post_form(consultant_client, delete_url, {}).status_code == 422
    assert dbs.get(Team, temp) is not None
    assert post_form(consultant_client, delete_url, {"confirm": "y"}).status_code == 302
    dbs.expire_all()
    assert dbs.get(Team, temp) is None
    assert actions(dbs) == ["team.create", "team.delete"]


def test_a_team_with_people_or_children_is_in_use(dbs, answered_org):
    gen_person(dbs, answered_org.teams["Spain"], "s@x.org")
    references = team_references(dbs, answered_org.organisation.id)
    teams = answered_org.teams
    assert references[teams["Spain"].id] == 7  # 3 responses in each of 2 waves, 1 person
    assert references[teams["Global"].id] == 3  # France, Spain and its manager (a user)
    assert references[teams["Paris"].id] == 15  # 7 responses in each of 2 waves, its manager


def test_teams_of_another_organisation_are_404_in_this_ones_urls(consultant_client, answered_org):
    other = answered_org.rival_team.id
    base = f"/clients/{answered_org.organisation.id}"
    for action in ("edit", "archive", "delete"):
        response = consultant_client.get(f"{base}/teams/{other}/{action}")
        assert response.status_code == 404
    rival = f"/clients/{answered_org.rival.id}"
    assert consultant_client.get(f"{rival}/teams/{other}/edit").status_code == 404
    assert consultant_client.get(f"{base}/teams/0/edit").status_code == 404
    assert consultant_client.get(f"{base}/teams/{2**70}/edit").status_code == 404


def test_a_manager_cannot_edit_their_own_tree(client, dbs, answered_org):
    login(client, "g@example.com")
    assert client.get(url(answered_org, "France")).status_code == 404
    response = post_form(client, url(answered_org, "France", "archive"), {"confirm": "y"}, page="/")
    assert response.status_code == 404
    assert fresh(dbs, answered_org.teams["France"]).archived_at is None


def test_team_names_are_escaped_in_the_tree(consultant_client, answered_org):
    post_form(
        consultant_client,
        url(answered_org),
        {"name": "<img src=x onerror=alert(1)>", "department": "sales"},
    )
    page = consultant_client.get(f"/clients/{answered_org.organisation.id}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize("parent", ["abc", "", "-1", "9" * 40])
def test_a_nonsense_parent_in_the_address_shows_the_form(consultant_client, answered_org, parent):
    response = consultant_client.get(f"{url(answered_org)}?parent={parent}")
    assert response.status_code == 200
    assert '<option selected value="">(top level)</option>' in response.get_data(as_text=True)
