"""The ladder's change, the cooperation measures and the perception gap on the team page.

Every new figure comes from cells the page shows: Paris (7 answers a wave) shows them; Spain
(3 answers) and France (hidden with Spain, so that Global minus France does not give Spain away)
show none of them, in the page and in the API.
"""

from __future__ import annotations

import html as html_module

from sqlalchemy import delete, select, update
from sqlalchemy.orm.attributes import flag_modified

from questionnaires import load_directory
from survey.models import CooperationLink, LadderRung, Release, Response
from survey.releases.store import release_closed_waves
from tests.auth.helpers import login
from tests.factories import gen_response

MANAGERS = 5  # = k: Paris's managers' cell is shown

LADDER_MOVED = (
    "The share of ladders ending at Customers or Society and the planet moved from 0% in "
    "Spring to 100% in Autumn (7 ladders in Spring, 7 in Autumn): larger than chance "
    "variation (Fisher's exact test, p < 0.001; judged together with every team of the "
    "organisation, Benjamini-Hochberg)."
)
# Paris's own links, as Paris sees them: Paris helped Product 3 times, Product helped Paris
# twice, Paris helped Spain once (named by its top team, Global). 5 of the 6 cross from sales
# to product; of the pairs {Paris, Product} and {Paris, Global}, the first goes both ways.
COOPERATION = (
    "Of the 6 times help was reported between the teams shown, 5 (83%) crossed departments.",
    "Of the 2 pairs of different teams linked by help, 1 (50%) helped each other both ways "
    "(reciprocity).",
)
PERCEPTION = "lies above the team's own 95% interval: they see more purpose than the team reports"


def _add_links_and_managers(dbs, org) -> None:
    """Paris's Autumn answers name other teams; 5 of Paris's managers answer, all at the top."""
    autumn = org.waves[-1]
    paris = dbs.scalars(
        select(Response)
        .where(Response.wave_id == autumn.id, Response.team_id == org.teams["Paris"].id)
        .order_by(Response.id)
    ).all()
    product, spain = org.teams["Product"].id, org.teams["Spain"].id
    links = [(product, "given")] * 3 + [(product, "received")] * 2 + [(spain, "given")]
    for response, (other, direction) in zip(paris, links, strict=False):
        dbs.add(CooperationLink(response_id=response.id, other_team_id=other, direction=direction))
    manager = load_directory()[("manager-mindset", 1)]
    assessment = org.assessment
    assessment.manager_questionnaire_key = manager.key
    assessment.manager_questionnaire_version = manager.version
    assessment.manager_questionnaire_sha256 = manager.sha256
    top = [7 if not item.reversed else 1 for item in manager.items]
    for _ in range(MANAGERS):
        gen_response(
            dbs,
            autumn,
            org.teams["Paris"],
            values=top,
            role="manager",
            questionnaire=manager,
            ladder_target=None,
        )


def _page(client, org, team: str, wave: int = -1) -> str:
    url = f"/dashboard/{org.assessment.id}/{org.teams[team].id}?wave={org.waves[wave].id}"
    response = client.get(url)
    assert response.status_code == 200
    return html_module.unescape(response.get_data(as_text=True))


def _api(client, org, team: str, wave: int = -1) -> dict:
    url = (
        f"/api/v1/assessments/{org.assessment.id}/teams/{org.teams[team].id}"
        f"?wave={org.waves[wave].id}"
    )
    return client.get(url).get_json()["sections"]


def test_paris_page_shows_the_ladder_change_cooperation_measures_and_perception_gap(
    client, dbs, answered_org
):
    _add_links_and_managers(dbs, answered_org)
    login(client, "p@example.com")
    page = _page(client, answered_org, "Paris")
    assert LADDER_MOVED in page
    assert "For this team alone (not adjusted for the other teams): across all the targets" in page
    for sentence in COOPERATION:
        assert sentence in page
    assert PERCEPTION in page
    assert "Gap (managers − team)" in page

    sections = _api(client, answered_org, "Paris")
    ladder = sections["ladder"]
    assert ladder["findings"][0] == LADDER_MOVED
    figures = ladder["figures"]
    assert (figures["before"], figures["after"]) == ("Spring", "Autumn")
    assert (figures["purpose_share_before"], figures["purpose_share_after"]) == (0.0, 1.0)
    # Fisher's exact test on [[0, 7], [7, 0]]: the two most extreme tables, 2 / C(14, 7);
    # scipy.stats.fisher_exact([[0, 7], [7, 0]]).pvalue = 0.0005827505827505828
    assert figures["purpose_p_value"] == 2 / 3432
    cooperation = sections["cooperation"]
    assert tuple(cooperation["findings"]) == COOPERATION
    assert cooperation["figures"]["reciprocity"] == 0.5
    assert cooperation["figures"]["cross_department_share"] == 5 / 6
    rows = {(r["from_group"], r["to_group"]): r["count"] for r in cooperation["rows"]}
    assert rows == {("Paris", "Product"): 3, ("Product", "Paris"): 2, ("Paris", "Global"): 1}
    perception = sections["perception"]["rows"]
    assert perception and all(row["managers"] == MANAGERS for row in perception)
    for row in perception:
        assert row["manager_score"] == 100.0
        assert row["gap"] == row["manager_score"] - row["team_mean"]
        assert row["outside_interval"] is True


def test_hidden_cells_show_none_of_the_new_figures(client, dbs, answered_org):
    _add_links_and_managers(dbs, answered_org)
    login(client, "admin@example.com")
    for team in ("Spain", "France"):
        page = _page(client, answered_org, team)
        assert "ladders ending at" not in page, team
        assert "crossed departments" not in page, team
        assert "managers' view of the team" not in page, team
        for key, section in _api(client, answered_org, team).items():
            assert section["findings"] == [] and section["figures"] == {}, (team, key)
    # Global: its cell is shown, but both its children are hidden, so no link is shown and
    # nothing is measured; no manager answered outside Paris's subtree's shown cell.
    global_sections = _api(client, answered_org, "Global")
    assert global_sections["cooperation"]["rows"] == []
    assert global_sections["cooperation"]["findings"] == []
    # The stored cells: a hidden cell holds no figure at all.
    for release in dbs.scalars(select(Release)):
        for team in ("Spain", "France"):
            cell = release.payload["cells"][str(answered_org.teams[team].id)]
            assert not cell["visible"]
            assert {"ladder", "cooperation", "cooperation_measures", "perception"}.isdisjoint(cell)


def test_the_first_released_wave_has_no_ladder_change(client, dbs, answered_org):
    login(client, "p@example.com")
    page = _page(client, answered_org, "Paris", wave=0)
    assert "ladders ending at" not in page
    assert _api(client, answered_org, "Paris", wave=0)["ladder"]["findings"] == []


def test_releases_stored_before_the_new_figures_are_read_without_them(
    app, client, dbs, answered_org
):
    """An older release: no ``cooperation_measures``, perception rows of 7 columns, ladder
    counts in label order. The page shows what it has and computes nothing it cannot."""
    _add_links_and_managers(dbs, answered_org)
    with app.app_context():
        release_closed_waves(dbs, answered_org.assessment)
    for release in dbs.scalars(select(Release)):
        for cell in release.payload["cells"].values():
            cell.pop("cooperation_measures", None)
            if cell.get("perception"):
                cell["perception"] = [row[:7] for row in cell["perception"]]
            if "ladder" in cell:
                cell["ladder"] = dict(sorted(cell["ladder"].items()))
        flag_modified(release, "payload")
    dbs.commit()
    login(client, "p@example.com")
    page = _page(client, answered_org, "Paris")
    assert LADDER_MOVED in page  # computed from the two cells' counts when read
    assert "crossed departments" not in page
    assert PERCEPTION not in page
    perception = _api(client, answered_org, "Paris")["perception"]["rows"]
    assert perception and all(row["gap"] is None for row in perception)
    assert all(row["manager_score"] == 100.0 for row in perception)


def test_a_shown_team_with_fewer_than_k_ladders_shows_no_ladder_for_that_wave(
    client, dbs, answered_org
):
    """The ladder is optional: Paris's 7 Spring answers hold only 4 ladders (k = 5). That
    wave's ladder is hidden with its reason, and no change is computed from it; the page and
    the API answer (the chart refused fewer than k answers: a 500 before)."""
    spring = answered_org.waves[0]
    paris = dbs.scalars(
        select(Response.id)
        .where(Response.wave_id == spring.id, Response.team_id == answered_org.teams["Paris"].id)
        .order_by(Response.id)
    ).all()
    dbs.execute(delete(LadderRung).where(LadderRung.response_id.in_(paris[:3])))
    dbs.execute(update(Response).where(Response.id.in_(paris[:3])).values(ladder_top=None))
    dbs.commit()
    login(client, "p@example.com")
    page = _page(client, answered_org, "Paris")
    assert "ladders ending at" not in page
    ladder = _api(client, answered_org, "Paris")["ladder"]
    assert {row["wave"] for row in ladder["rows"]} == {"Autumn"}
    assert {"label": "Spring", "reason": "fewer than 5 answered the WHY ladder"} in ladder["hidden"]
    assert ladder["findings"] == [] and ladder["figures"] == {}
