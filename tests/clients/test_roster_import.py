"""Roster import through the pages: preview, confirm, idempotent re-import, and refusals."""

from __future__ import annotations

import codecs
import html
import re

from sqlalchemy import func, select

from survey.clients.roster import RosterRow
from survey.clients.roster_import import apply_import, plan_import
from survey.models import AuditEvent, Person, RosterUpload, Team
from survey.models._columns import utcnow
from tests.auth.helpers import login
from tests.clients.helpers import actions, post_form, upload
from tests.factories import gen_user

ROSTER = (
    "Team path;E-mail;Role\r\n"
    "Global/France/Paris;anne@example.com;rep\r\n"
    "Global/France/South-West;bob@example.com;rep\r\n"
    "global/france/south-west/Bordeaux;Carl@Example.com;rep\r\n"
    "Global/France;dora@example.com;manager\r\n"
)


def preview_of(client, answered_org) -> str:
    return client.get(f"/clients/{answered_org.organisation.id}/roster/preview").get_data(
        as_text=True
    )


def text_of(page: str) -> str:
    """The page's visible text, white space collapsed."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def confirm(client, answered_org):
    page = preview_of(client, answered_org)
    upload_id = re.search(r'name="upload" value="([^"]+)"', page).group(1)
    return post_form(
        client,
        f"/clients/{answered_org.organisation.id}/roster/confirm",
        {"upload": upload_id},
        page=f"/clients/{answered_org.organisation.id}/roster/preview",
    )


def roster_of(dbs, answered_org) -> dict[str, tuple[str, str]]:
    """E-mail -> (team name, role) of everyone on the organisation's roster."""
    dbs.expire_all()
    people = dbs.scalars(
        select(Person).where(Person.organisation_id == answered_org.organisation.id)
    )
    return {person.email: (person.team.name, person.role) for person in people}


def counts(dbs) -> tuple[int, int]:
    dbs.expire_all()
    return (
        dbs.scalar(select(func.count()).select_from(Team)),
        dbs.scalar(select(func.count()).select_from(Person)),
    )


def test_preview_then_confirm_then_the_same_file_changes_nothing(
    consultant_client, dbs, answered_org
):
    before = counts(dbs)
    response = upload(consultant_client, answered_org.organisation.id, ROSTER.encode())
    assert response.status_code == 302
    assert response.headers["Location"] == f"/clients/{answered_org.organisation.id}/roster/preview"
    # The preview changes nothing, and says what will happen.
    assert counts(dbs) == before
    text = text_of(preview_of(consultant_client, answered_org))
    assert "2 new teams 4 new people 0 updated 0 unchanged" in text
    assert "Global/France/South-West Global/France/South-West/Bordeaux" in text
    assert "carl@example.com global/france/south-west/Bordeaux rep" in text

    response = confirm(consultant_client, answered_org)
    assert response.status_code == 302
    assert counts(dbs) == (before[0] + 2, before[1] + 4)
    assert roster_of(dbs, answered_org) == {
        "anne@example.com": ("Paris", "rep"),
        "bob@example.com": ("South-West", "rep"),
        "carl@example.com": ("Bordeaux", "rep"),
        "dora@example.com": ("France", "manager"),
    }
    south_west = dbs.scalar(select(Team).where(Team.name == "South-West"))
    assert (south_west.parent_id, south_west.department) == (
        answered_org.teams["France"].id,
        "sales",
    )
    # The import ran as a job; its page sends the consultant on to the organisation's page.
    assert re.fullmatch(
        rf"/clients/{answered_org.organisation.id}/roster/imports/\d+", response.headers["Location"]
    )
    landed = consultant_client.get(response.headers["Location"])
    assert landed.headers["Location"] == f"/clients/{answered_org.organisation.id}"
    message = "Imported the roster: 2 new teams, 4 new people, 0 updated, 0 unchanged."
    assert message in consultant_client.get(landed.headers["Location"]).get_data(as_text=True)
    assert dbs.scalar(select(func.count()).select_from(RosterUpload)) == 0

    # Again: nothing new, nothing updated; confirming anyway writes nothing.
    upload(consultant_client, answered_org.organisation.id, ROSTER.encode())
    again = text_of(preview_of(consultant_client, answered_org))
    assert "0 new teams 0 new people 0 updated 4 unchanged" in again
    assert "Nothing to change" in again
    assert confirm(consultant_client, answered_org).status_code == 302
    assert counts(dbs) == (before[0] + 2, before[1] + 4)
    assert actions(dbs) == ["roster.upload", "roster.import", "roster.upload", "roster.import"]
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "roster.import")).first()
    assert event.details == {
        "new_teams": 2,
        "new_people": 4,
        "updated_people": 0,
        "unchanged_people": 0,
        "job": 1,
    }
    # Recorded by the job, in the name of the consultant who confirmed.
    assert event.user_email == answered_org.users["consultant"].email
    assert "example.com" not in str(event.details)


def test_a_changed_team_or_role_is_shown_then_updated(consultant_client, dbs, answered_org):
    upload(consultant_client, answered_org.organisation.id, ROSTER.encode())
    confirm(consultant_client, answered_org)
    moved = ROSTER.replace(
        "Global/France/Paris;anne@example.com;rep", "Global/Spain;anne@example.com;manager"
    )
    upload(consultant_client, answered_org.organisation.id, moved.encode())
    text = text_of(preview_of(consultant_client, answered_org))
    assert "0 new teams 0 new people 1 updated 3 unchanged" in text
    assert "2 anne@example.com Global/France/Paris → Global/Spain rep → manager" in text
    confirm(consultant_client, answered_org)
    assert roster_of(dbs, answered_org)["anne@example.com"] == ("Spain", "manager")


def test_a_bad_file_imports_nothing_and_lists_its_lines(consultant_client, dbs, answered_org):
    before = counts(dbs)
    bad = ROSTER + "Global/Spain;not-an-address;rep\r\nGlobal/Spain;ANNE@example.com;boss\r\n"
    response = upload(consultant_client, answered_org.organisation.id, bad.encode())
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert "Nothing was imported: the file has 3 problems." in text
    assert "Line 6: 'not-an-address' is not an e-mail address" in text
    assert "Line 7: The role 'boss' is unknown; write rep or manager." in text
    assert "Line 7: The e-mail anne@example.com is also on line 2." in text
    assert counts(dbs) == before
    assert dbs.scalar(select(func.count()).select_from(RosterUpload)) == 0
    assert actions(dbs) == []
    # No preview is waiting to be confirmed.
    assert (
        consultant_client.get(f"/clients/{answered_org.organisation.id}/roster/preview").status_code
        == 302
    )


def test_spreadsheet_exports_import(consultant_client, dbs, answered_org):
    latin1 = "sep=;\r\nROLE;E-MAIL;TEAM PATH\r\n\r\nrep;jose@example.es;Global/Spain/Málaga\r\n"
    assert (
        upload(consultant_client, answered_org.organisation.id, latin1.encode("cp1252")).status_code
        == 302
    )
    confirm(consultant_client, answered_org)
    assert roster_of(dbs, answered_org) == {"jose@example.es": ("Málaga", "rep")}
    bom = codecs.BOM_UTF8 + b"team,email,role\nProduct,pat@example.com,rep\n"
    assert upload(consultant_client, answered_org.organisation.id, bom).status_code == 302
    confirm(consultant_client, answered_org)
    assert roster_of(dbs, answered_org)["pat@example.com"] == ("Product", "rep")


def test_a_path_through_an_archived_team_cannot_be_imported(consultant_client, dbs, answered_org):
    answered_org.teams["France"].archived_at = utcnow()
    dbs.commit()
    response = upload(consultant_client, answered_org.organisation.id, ROSTER.encode())
    assert response.status_code == 302
    preview = consultant_client.get(f"/clients/{answered_org.organisation.id}/roster/preview")
    assert preview.status_code == 422
    text = text_of(preview.get_data(as_text=True))
    assert (
        "Line 2: The team path Global/France/Paris runs through the archived team Global/France; "
        "use an active team." in text
    )
    assert "/roster/confirm" not in preview.get_data(as_text=True)
    before = counts(dbs)
    confirm_url = f"/clients/{answered_org.organisation.id}/roster/confirm"
    upload_id = dbs.scalar(select(RosterUpload.id))
    post_form(consultant_client, confirm_url, {"upload": upload_id}, page="/clients/")
    assert counts(dbs) == before


def test_the_file_size_limit_is_clear(app, consultant_client, dbs, answered_org):
    app.config["ROSTER_MAX_BYTES"] = 1000
    line = "Global/France;p{}@example.com;rep\r\n"
    big = ("team;email;role\r\n" + "".join(line.format(n) for n in range(40))).encode()
    assert 1000 < len(big) < 1000 + 64 * 1024
    response = upload(consultant_client, answered_org.organisation.id, big)
    assert response.status_code == 413
    assert "more than the 0.0 MB a roster may have" in response.get_data(as_text=True)
    # Far past the limit, the request is refused before it is read, with the same advice.
    huge = upload(consultant_client, answered_org.organisation.id, big * 100)
    assert huge.status_code == 413
    assert "The file is larger than the 0.0 MB a roster may have" in huge.get_data(as_text=True)
    assert dbs.scalar(select(func.count()).select_from(RosterUpload)) == 0


def test_the_default_limit_takes_files_larger_than_other_forms(consultant_client, answered_org):
    lines = "".join(f"Global/Team {n % 40};person{n}@example.com;rep\r\n" for n in range(5000))
    data = ("team;email;role\r\n" + lines).encode()
    assert len(data) > 64 * 1024  # MAX_CONTENT_LENGTH of every other form
    assert upload(consultant_client, answered_org.organisation.id, data).status_code == 302
    assert "5000 new people" in text_of(preview_of(consultant_client, answered_org))


def test_the_rows_stay_on_the_server_and_a_forged_id_imports_nothing(
    consultant_client, dbs, answered_org
):
    upload(consultant_client, answered_org.organisation.id, ROSTER.encode())
    page = preview_of(consultant_client, answered_org)
    assert "anne@example.com;" not in page and 'name="rows"' not in page
    before = counts(dbs)
    url = f"/clients/{answered_org.organisation.id}/roster/confirm"
    response = post_form(consultant_client, url, {"upload": "forged"}, page="/clients/")
    assert response.status_code == 302
    assert counts(dbs) == before
    assert "was replaced by a newer upload" in preview_of(consultant_client, answered_org)


def test_another_consultant_cannot_confirm_someone_elses_upload(
    app, consultant_client, dbs, answered_org
):
    upload(consultant_client, answered_org.organisation.id, ROSTER.encode())
    upload_id = dbs.scalar(select(RosterUpload.id))
    other = app.test_client()
    gen_user(dbs, "c2@example.com", "consultant", organisations=[answered_org.organisation])
    login(other, "c2@example.com")
    before = counts(dbs)
    url = f"/clients/{answered_org.organisation.id}/roster/confirm"
    assert post_form(other, url, {"upload": upload_id}, page="/clients/").status_code == 302
    assert counts(dbs) == before


def test_a_newer_upload_replaces_the_preview_of_an_older_tab(consultant_client, dbs, answered_org):
    upload(consultant_client, answered_org.organisation.id, ROSTER.encode())
    old_id = dbs.scalar(select(RosterUpload.id))
    upload(
        consultant_client,
        answered_org.organisation.id,
        b"team,email,role\nProduct,pat@example.com,rep\n",
    )
    url = f"/clients/{answered_org.organisation.id}/roster/confirm"
    post_form(consultant_client, url, {"upload": old_id}, page="/clients/")
    assert roster_of(dbs, answered_org) == {}
    assert dbs.scalar(select(func.count()).select_from(RosterUpload)) == 1


def test_cancel_forgets_the_upload(consultant_client, dbs, answered_org):
    upload(consultant_client, answered_org.organisation.id, ROSTER.encode())
    upload_id = dbs.scalar(select(RosterUpload.id))
    url = f"/clients/{answered_org.organisation.id}/roster/cancel"
    assert (
        post_form(consultant_client, url, {"upload": upload_id}, page="/clients/").status_code
        == 302
    )
    assert dbs.scalar(select(func.count()).select_from(RosterUpload)) == 0
    assert roster_of(dbs, answered_org) == {}


def test_an_upload_without_a_file_is_422(consultant_client, answered_org):
    url = f"/clients/{answered_org.organisation.id}/roster"
    response = post_form(consultant_client, url, {})
    assert response.status_code == 422
    assert "Choose a CSV file." in response.get_data(as_text=True)


def test_e_mails_and_team_names_are_escaped_in_the_preview(consultant_client, answered_org):
    data = 'team,email,role\n"Global/<b>bold</b>","x@example.com",rep\n'
    response = upload(consultant_client, answered_org.organisation.id, data.encode())
    assert response.status_code == 302
    page = preview_of(consultant_client, answered_org)
    assert "<b>bold" not in page and "&lt;b&gt;bold&lt;" in page
    # An address a mail header would misread is refused, and the refusal is escaped too.
    bad = 'team,email,role\nGlobal,"x<script>@example.com",rep\n'
    refused = upload(consultant_client, answered_org.organisation.id, bad.encode())
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "x<script>" not in text and "x&lt;script&gt;@example.com" in text


def test_plan_and_apply_directly(app, dbs, answered_org):
    rows = [
        RosterRow(2, ("Global", "Spain", "Madrid"), "m@example.com", "rep"),
        RosterRow(3, ("GLOBAL", "SPAIN", "madrid", "Centro"), "c@example.com", "rep"),
    ]
    plan = plan_import(dbs, answered_org.organisation.id, rows)
    assert plan.new_teams == ["Global/Spain/Madrid", "Global/Spain/Madrid/Centro"]
    with app.test_request_context():
        apply_import(dbs, answered_org.organisation, plan)
    dbs.commit()
    centro = dbs.scalar(select(Team).where(Team.name == "Centro"))
    assert (
        centro.parent.name == "Madrid" and centro.parent.parent_id == answered_org.teams["Spain"].id
    )
    again = plan_import(dbs, answered_org.organisation.id, rows)
    assert (again.new_teams, again.new_people, again.updates, again.unchanged) == ([], [], [], 2)


def test_other_forms_keep_the_small_limit(consultant_client):
    response = post_form(consultant_client, "/clients/new", {"name": "x" * (70 * 1024)})
    assert response.status_code == 413
    assert "roster" not in response.get_data(as_text=True)
