"""The command-line tools: init-db, seed-demo, create-user and invite."""

from __future__ import annotations

import csv
import os
import re
import subprocess
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import create_engine, func, inspect, select
from werkzeug.security import check_password_hash

from survey import create_app
from survey.config import PROJECT_ROOT
from survey.models import Invitation, Organisation, TeamLink, User
from survey.models.people import checked_email
from survey.tokens import token_hash
from tests.auth.helpers import login
from tests.factories import gen_person, make_world

LINK = re.compile(r"http://localhost/r/([A-Za-z0-9_-]+)")


def test_init_db_is_repeatable(runner):
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0
        assert "Database ready." in result.output


def test_seed_demo_prints_logins_and_open_links_once_created(runner, client, dbs):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Created the demo organisation" in result.output
    roles = re.findall(
        r"^\s+\S+@\S+\s+\S+\s+(admin|consultant|manager)\s+(.+)$", result.output, re.MULTILINE
    )
    assert ("consultant", "SolarBright Energy") in roles
    scopes = {scope for role, scope in roles if role == "manager"}
    assert scopes == {"Global Sales", "Global Sales/France", "Global Sales/France/Paris"}
    tokens = LINK.findall(result.output)
    assert len(tokens) >= 5
    for token in tokens:
        assert client.get(f"/r/{token}").status_code == 200

    again = runner.invoke(args=["seed-demo"])
    assert "Found the demo organisation" in again.output
    assert dbs.scalar(select(func.count()).select_from(Organisation)) == 1
    assert len(LINK.findall(again.output)) == len(tokens)


def test_seed_demo_prints_links_on_the_public_url_from_the_environment(monkeypatch, database_url):
    """``PORT=5201 make run`` sets SURVEY_PUBLIC_URL to port 5201 (next test): every printed
    link is on that port."""
    monkeypatch.setenv("SURVEY_PUBLIC_URL", "http://127.0.0.1:5201")
    app = create_app({"TESTING": True, "SECRET_KEY": "k" * 32, "DATABASE_URL": database_url})
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    app.extensions["database"].engine.dispose()
    assert result.exit_code == 0, result.output
    links = re.findall(r"https?://\S+/r/\S+", result.output)
    assert len(links) >= 5
    assert all(link.startswith("http://127.0.0.1:5201/r/") for link in links)


@pytest.mark.parametrize(
    ("variables", "public_url"),
    [
        ({"PORT": "5201"}, "http://127.0.0.1:5201"),
        ({}, "http://127.0.0.1:5000"),
        ({"PORT": "5201", "SURVEY_PUBLIC_URL": "https://survey.example"}, "https://survey.example"),
    ],
)
def test_make_run_serves_and_prints_links_on_the_same_port(variables, public_url):
    """What ``make run`` would do (``make -n`` runs nothing): seed-demo, the scheduler and the
    server get the public URL of the port served, unless SURVEY_PUBLIC_URL is set."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("PORT", "SURVEY_PUBLIC_URL") and not name.startswith("MAKE")
    }
    planned = subprocess.run(
        ["make", "-n", "run"],
        cwd=PROJECT_ROOT,
        env=environment | variables,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    planned = [line.strip().removesuffix("\\").strip() for line in planned]
    port = variables.get("PORT", "5000")
    seed = [line for line in planned if line.endswith(" seed-demo")]
    serve = [line for line in planned if " run --host" in line]
    scheduler = [line for line in planned if " jobs-scheduler " in line]
    assert scheduler == [
        f"SURVEY_PUBLIC_URL='{public_url}' .venv/bin/flask --app survey jobs-scheduler & "
        "scheduler=$!;"
    ]
    assert seed == [f"SURVEY_PUBLIC_URL='{public_url}' .venv/bin/flask --app survey seed-demo"]
    assert serve == [
        f"SURVEY_PUBLIC_URL='{public_url}' .venv/bin/flask --app survey run "
        f"--host 127.0.0.1 --port {port}"
    ]


def test_demo_has_two_past_waves_some_teams_moving_and_an_open_third(runner, dbs):
    runner.invoke(args=["seed-demo"])
    from survey.models import Response, Wave

    waves = dbs.scalars(select(Wave).order_by(Wave.opens_at)).all()
    assert [wave.name for wave in waves] == ["Wave 1", "Wave 2", "Wave 3"]
    counts = [dbs.scalar(select(func.count()).where(Response.wave_id == wave.id)) for wave in waves]
    assert counts[0] > 50 and counts[1] > 50 and 0 < counts[2] < counts[1]


def _demo_responses(runner, dbs):
    """(wave, response, questionnaire, answers as floats with NaN) of the seeded demo."""
    from questionnaires import load_directory
    from survey.models import Response, Wave
    from survey.models.response import unpack_values

    runner.invoke(args=["seed-demo"])
    questionnaires = load_directory()
    waves = dbs.scalars(select(Wave).order_by(Wave.opens_at)).all()
    found = []
    for wave in waves:
        for response in dbs.scalars(select(Response).where(Response.wave_id == wave.id)):
            questionnaire = questionnaires[
                (response.questionnaire_key, response.questionnaire_version)
            ]
            values = unpack_values(response.values)
            answers = np.array([np.nan if v is None else v for v in values], dtype=float)
            found.append((wave, response, questionnaire, answers))
    return waves, found


def test_demo_asks_version_2_of_both_questionnaires_in_its_third_wave(runner, dbs):
    waves, found = _demo_responses(runner, dbs)
    assert [wave.instrument("rep")[1] for wave in waves] == [1, 1, 2]
    assert [wave.instrument("manager")[1] for wave in waves] == [1, 1, 2]
    assert waves[0].rep_questionnaire_version is None  # the assessment's version 1
    for wave, response, _, _ in found:
        assert (response.questionnaire_key, response.questionnaire_version) == wave.instrument(
            response.role
        )[:2]
    roles = {(wave.name, response.role) for wave, response, _, _ in found}
    assert ("Wave 3", "manager") in roles and ("Wave 3", "rep") in roles


def test_demo_answers_are_on_the_scale_and_does_not_apply_only_where_offered(runner, dbs):
    _, found = _demo_responses(runner, dbs)
    skipped = 0
    for _, _, questionnaire, answers in found:
        assert answers.size == len(questionnaire.items)
        offered = np.array([item.not_applicable for item in questionnaire.items])
        assert not np.isnan(answers[~offered]).any()
        given = answers[~np.isnan(answers)]
        assert np.all((given >= questionnaire.scale.min) & (given <= questionnaire.scale.max))
        skipped += int(np.isnan(answers).sum())
    assert skipped > 0  # version 2 offers "does not apply", and some reps choose it
    climate = [
        answers[[item.perspective == "climate" for item in questionnaire.items]]
        for _, response, questionnaire, answers in found
        if response.role == "rep" and questionnaire.version == 2
    ]
    assert climate and all(np.isfinite(row).sum() >= 5 for row in climate)


def test_demo_tells_its_story_france_moves_towards_purpose_spain_stays(runner, dbs):
    """Answers come from analysis.simulation with the demo's countries' drifts (France 0.45,
    Spain 0 per wave in g); the demo's seed is fixed, so the means are too."""
    from survey.rep.result import score_answers

    waves, found = _demo_responses(runner, dbs)
    means: dict[tuple[str, str], list[float]] = {}
    for wave, response, questionnaire, answers in found:
        if response.role != "rep" or wave is waves[-1]:
            continue
        team = response.team
        country = team.parent.name if team.parent is not None else team.name
        values = {
            item.id: None if np.isnan(value) else int(value)
            for item, value in zip(questionnaire.items, answers, strict=True)
        }
        means.setdefault((country, wave.name), []).append(score_answers(questionnaire, values)[0])
    france = [np.mean(means[("France", f"Wave {n}")]) for n in (1, 2)]
    spain = [np.mean(means[("Spain", f"Wave {n}")]) for n in (1, 2)]
    assert france[1] - france[0] > 4
    assert abs(spain[1] - spain[0]) < france[1] - france[0]


def test_create_user_hashes_the_password_and_checks_its_length(runner, dbs):
    world = make_world(dbs)
    short = runner.invoke(
        args=[
            "create-user",
            "--email",
            "m@example.com",
            "--role",
            "manager",
            "--organisation",
            "Acme Solar",
            "--team",
            "Global/France",
            "--password",
            "short",
        ]
    )
    assert short.exit_code == 2
    assert "at least 12 characters" in short.output
    no_team = runner.invoke(
        args=[
            "create-user",
            "--email",
            "m@example.com",
            "--role",
            "manager",
            "--organisation",
            "Acme Solar",
            "--password",
            "long-enough-password",
        ]
    )
    assert no_team.exit_code == 2 and "needs --team" in no_team.output
    made = runner.invoke(
        args=[
            "create-user",
            "--email",
            "M@Example.com",
            "--role",
            "manager",
            "--organisation",
            "Acme Solar",
            "--team",
            "Global/France",
            "--password",
            "long-enough-password",
        ]
    )
    assert made.exit_code == 0, made.output
    user = dbs.scalar(select(User))
    assert user.email == "m@example.com"
    assert user.team_id == world.teams["France"].id
    assert "long-enough-password" not in user.password_hash
    assert check_password_hash(user.password_hash, "long-enough-password")
    duplicate = runner.invoke(
        args=[
            "create-user",
            "--email",
            "m@example.com",
            "--role",
            "admin",
            "--password",
            "long-enough-password",
        ]
    )
    assert duplicate.exit_code == 2 and "exists already" in duplicate.output


def test_invite_prints_working_single_use_links_and_stores_only_hashes(runner, client, dbs):
    world = make_world(dbs)
    result = runner.invoke(
        args=["invite", "--wave", str(world.wave.id), "--team", "Global/France", "--count", "3"]
    )
    assert result.exit_code == 0, result.output
    tokens = LINK.findall(result.output)
    assert len(tokens) == 3 == len(result.output.strip().splitlines())
    stored = {invitation.token_hash for invitation in dbs.scalars(select(Invitation))}
    assert stored == {token_hash(token) for token in tokens}
    assert all(len(token) >= 22 for token in tokens)  # >= 128 bits in base64url
    for token in tokens:
        assert client.get(f"/r/{token}").status_code == 200


def test_invite_team_link_and_roster_csv(runner, dbs, tmp_path):
    world = make_world(dbs)
    gen_person(dbs, world.teams["France"], "a@example.com")
    gen_person(dbs, world.teams["Product"], "b@example.com")
    team = runner.invoke(
        args=["invite", "--wave", str(world.wave.id), "--team", "Global", "--team-link"]
    )
    assert team.exit_code == 0 and len(LINK.findall(team.output)) == 1
    assert dbs.scalar(select(func.count()).select_from(TeamLink)) == 1
    # By default as many answers as Global's reps on the roster (Product is not below Global).
    assert "takes at most 1 answer(s)" in team.output
    assert dbs.scalar(select(TeamLink.capacity)) == 1
    invite = ["invite", "--wave", str(world.wave.id), "--team", "Global"]
    bigger = runner.invoke(args=[*invite, "--team-link", "--capacity", "12"])
    assert bigger.exit_code == 0 and "takes at most 12 answer(s)" in bigger.output
    assert sorted(dbs.scalars(select(TeamLink.capacity))) == [1, 12]
    for wrong in (
        ["--team-link", "--capacity", "0"],
        ["--team-link", "--capacity", "10001"],
        ["--roster", "--capacity", "3"],
    ):
        assert runner.invoke(args=[*invite, *wrong]).exit_code == 2, wrong
    assert dbs.scalar(select(func.count()).select_from(TeamLink)) == 2

    out = tmp_path / "links.csv"
    roster = runner.invoke(
        args=[
            "invite",
            "--wave",
            str(world.wave.id),
            "--team",
            "Global",
            "--roster",
            "--csv",
            str(out),
        ]
    )
    assert roster.exit_code == 0, roster.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["email"], row["team"]) for row in rows] == [("a@example.com", "Global/France")]
    assert LINK.match(rows[0]["link"])


def test_invite_refuses_bad_requests_clearly(runner, dbs):
    world = make_world(dbs)
    wave = str(world.wave.id)
    cases = {
        ("--wave", "999", "--team", "Global", "--count", "1"): "no wave with id 999",
        ("--wave", wave, "--team", "Nowhere", "--count", "1"): "has no team 'Nowhere'",
        ("--wave", wave, "--count", "1"): "need --team",
        ("--wave", wave, "--team", "Global"): "exactly one of",
        ("--wave", wave, "--team", "Global", "--roster"): "Nobody is on the roster",
    }
    for args, message in cases.items():
        result = runner.invoke(args=["invite", *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
    world.wave.closes_at = world.wave.opens_at + timedelta(seconds=1)
    dbs.commit()
    closed = runner.invoke(args=["invite", "--wave", wave, "--team", "Global", "--count", "1"])
    assert closed.exit_code == 2 and "closed on" in closed.output
    assert dbs.scalar(select(func.count()).select_from(Invitation)) == 0


def test_release_due_releases_closed_waves_once(app, dbs, runner, answered_org):
    from sqlalchemy import func, select

    from survey.models import Release

    first = runner.invoke(args=["release-due"])
    assert first.exit_code == 0 and "2 closed waves are released" in first.output
    again = runner.invoke(args=["release-due"])
    assert "2 closed waves are released" in again.output
    assert dbs.scalar(select(func.count()).select_from(Release)) == 2


def test_seed_demo_is_refused_in_production(monkeypatch, database_url):
    """With SURVEY_ENV=production (and a strong key, so that the app starts), seed-demo writes
    nothing and says why, with a non-zero exit."""
    monkeypatch.setenv("SURVEY_ENV", "production")
    monkeypatch.setenv("SURVEY_SECRET_KEY", "k" * 16 + "0123456789abcdef")
    app = create_app({"DATABASE_URL": database_url, "PUBLIC_URL": "http://localhost"})
    assert app.config["PRODUCTION"]
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refused with SURVEY_ENV=production" in result.output
    assert "Nothing was changed." in result.output
    assert LINK.findall(result.output) == []
    app.extensions["database"].engine.dispose()
    engine = create_engine(database_url)
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        assert (
            "organisation" not in tables
            or not connection.execute(select(func.count()).select_from(Organisation)).scalar()
        )
    engine.dispose()


def create_user(runner, email: str, role: str = "admin"):
    return runner.invoke(
        args=["create-user", "--email", email, "--role", role, "--password", "long-enough-password"]
    )


def test_create_user_trims_and_lower_cases_the_e_mail_as_login_looks_it_up(runner, client, dbs):
    made = create_user(runner, "  Ann.Lee@Example.ORG \t")
    assert made.exit_code == 0, made.output
    assert dbs.scalar(select(User.email)) == "ann.lee@example.org"
    assert "Created admin ann.lee@example.org." in made.output
    logged_in = login(client, " ANN.LEE@example.org ", "long-enough-password")
    assert logged_in.status_code == 302


@pytest.mark.parametrize(
    "email",
    [
        "",
        "   ",
        "ann",
        "ann@localhost",
        "ann@@example.org",
        "Ann Lee <ann@example.org>",
        "ann@example.org, bob@example.org",
        '"ann"@example.org',
        "ann@exa mple.org",
        "a" * 250 + "@example.org",
    ],
)
def test_create_user_refuses_what_the_roster_refuses(runner, dbs, email):
    refused = create_user(runner, email)
    assert refused.exit_code != 0
    _email, problem = checked_email(email)
    assert problem is not None and problem in refused.output
    assert dbs.scalar(select(func.count()).select_from(User)) == 0


def test_create_user_refuses_a_duplicate_whatever_its_case_or_spaces(runner, dbs):
    assert create_user(runner, "ann@example.org").exit_code == 0
    for again in ("ann@example.org", " ANN@Example.org ", "Ann@EXAMPLE.ORG"):
        duplicate = create_user(runner, again, role="consultant")
        assert duplicate.exit_code != 0
        assert "A user with the e-mail ann@example.org exists already." in duplicate.output
    assert dbs.scalar(select(func.count()).select_from(User)) == 1
