"""Counts that agree: reps and managers apart wherever answers are counted, adding up to a
total row, and nothing shown that the release hides.

Reference answers: Paris 7 reps (5 managers here), France 6 of its own, Spain 3; France hides
with Spain, whose count is under k, so neither count nor any sum holding it is shown.
"""

from __future__ import annotations

import html as html_module
import re

from tests.auth.helpers import login
from tests.dashboard.test_ladder_cooperation_perception import MANAGERS, _add_links_and_managers
from tests.factories import REFERENCE_COUNTS, gen_wave

ROW = re.compile(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", re.S)
CELL = re.compile(r"<td>(.*?)</td>", re.S)


def _page(client, org, team: str) -> str:
    url = f"/dashboard/{org.assessment.id}/{org.teams[team].id}?wave={org.waves[-1].id}"
    response = client.get(url)
    assert response.status_code == 200
    return html_module.unescape(response.get_data(as_text=True))


def _rates(html: str) -> dict[str, list[str]]:
    """The rates table's rows: team -> invited, reps, managers, answered in all, rate."""
    section = html[html.index('id="h-rates"') :]
    section = section[: section.index("</section>")]
    return {name: CELL.findall(cells) for name, cells in ROW.findall(section)}


def _api_rates(client, org, team: str) -> list[dict]:
    url = f"/api/v1/assessments/{org.assessment.id}/teams/{org.teams[team].id}"
    return client.get(url).get_json()["sections"]["rates"]["rows"]


def test_reps_and_managers_are_counted_apart_and_agree_with_the_index(client, dbs, answered_org):
    _add_links_and_managers(dbs, answered_org)
    login(client, "admin@example.com")
    paris = REFERENCE_COUNTS["Paris"]
    html = _page(client, answered_org, "Paris")
    assert f"{paris} reps" in html  # beside the index
    assert _rates(html) == {"Paris": ["0", str(paris), str(MANAGERS), str(paris + MANAGERS), "–"]}
    html = _page(client, answered_org, "France")
    rows = _rates(html)
    assert rows["Paris"][1:4] == [str(paris), str(MANAGERS), str(paris + MANAGERS)]
    assert rows["Total (France)"][1:5] == ["–"] * 4  # France itself is hidden with Spain


def test_the_total_row_adds_up_what_is_shown_and_hides_what_holds_a_hidden_part(
    client, answered_org
):
    login(client, "admin@example.com")
    total = sum(REFERENCE_COUNTS[team] for team in ("France", "Paris", "Spain"))
    html = _page(client, answered_org, "Global")
    assert f"{total} reps" in html
    rows = _rates(html)
    assert list(rows) == ["France", "Spain", "Total (Global)"]
    assert rows["France"][1] == rows["Spain"][1] == "–"  # hidden: Spain under k, France with it
    assert rows["Total (Global)"][1:4] == [str(total), "0", str(total)]  # no manager asked
    api = {row["group"]: row for row in _api_rates(client, answered_org, "Global")}
    assert api["Total (Global)"]["reps"] == total
    assert api["France"]["reps"] is None and api["Spain"]["reps"] is None
    assert api["France"]["answered"] is None


def test_counts_so_far_name_reps(client, dbs, answered_org):
    wave = gen_wave(dbs, answered_org.assessment, name="Winter")
    login(client, "admin@example.com")
    url = f"/dashboard/{answered_org.assessment.id}/{answered_org.teams['Global'].id}"
    html = client.get(f"{url}?wave={wave.id}").get_data(as_text=True)
    assert "Reps' answers per team, in steps of 5" in html
