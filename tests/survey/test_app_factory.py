"""create_app only reads: no secret-key file when a key is given, no chart bundle written.

The chart bundle is written by ``flask build-assets``; without it pages still work.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import vl_convert

from survey import config, create_app, static_assets
from tests.auth.helpers import login
from tests.factories import gen_reference_answers, gen_reference_org

KEY = "a-given-key-of-at-least-32-characters-0123"


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


@pytest.fixture
def project(monkeypatch, tmp_path) -> Path:
    """A project root of the test's own, so that its instance folder starts empty."""
    root = tmp_path / "project"
    monkeypatch.setattr(config, "PROJECT_ROOT", root)
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    monkeypatch.delenv("SURVEY_ENV", raising=False)
    return root


@pytest.fixture
def no_bundle_building(monkeypatch):
    def refuse() -> str:
        raise AssertionError("vl_convert.javascript_bundle was called")

    monkeypatch.setattr(vl_convert, "javascript_bundle", refuse)


@pytest.mark.parametrize("given_by", ["config", "environment"])
def test_a_given_secret_key_writes_no_file(project, monkeypatch, tmp_path, given_by):
    settings = {"DATABASE_URL": f"sqlite:///{tmp_path / 'survey.db'}"}
    if given_by == "config":
        settings["SECRET_KEY"] = KEY
    else:
        monkeypatch.setenv("SURVEY_SECRET_KEY", KEY)
    app = create_app(settings)
    assert app.config["SECRET_KEY"] == KEY
    assert Path(app.instance_path) == project / "instance"
    assert files_under(project) == []


def test_without_a_key_one_is_kept_in_the_instance_folder(project, tmp_path):
    settings = {"DATABASE_URL": f"sqlite:///{tmp_path / 'survey.db'}"}
    first = create_app(settings)
    key_file = project / "instance" / "secret-key"
    assert files_under(project) == [key_file]
    assert first.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first.config["SECRET_KEY"]) == 64
    assert create_app(settings).config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_create_app_does_not_write_the_chart_bundle(no_bundle_building, tmp_path):
    bundle = static_assets.vega_bundle_path(Path(static_assets.__file__).parent / "static")

    def state():
        return bundle.stat().st_mtime_ns if bundle.exists() else None

    before = state()
    app = create_app({"SECRET_KEY": KEY, "DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"})
    assert Path(app.static_folder) == bundle.parent.parent
    app.test_client().get("/health").close()  # the first request only checks for it
    assert state() == before


def test_a_missing_bundle_is_logged_with_the_command_that_builds_it(app, tmp_path, caplog):
    app.static_folder = str(tmp_path / "static")
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        assert static_assets.check_vega_bundle(app) is False
    assert "flask --app survey build-assets" in caplog.text
    assert str(tmp_path / "static" / "vendor" / "vega-bundle.js") in caplog.text
    assert files_under(tmp_path / "static") == []


def test_without_the_bundle_the_dashboard_still_works(app, client, dbs, tmp_path, caplog):
    """Pages do not depend on the bundle on the server: the dashboard answers with its tables;
    the bundle's address is a plain 404 (charts.js then says each chart could not be drawn).
    The first request logs the error, once."""
    app.static_folder = str(tmp_path / "static")
    org = gen_reference_answers(dbs, gen_reference_org(dbs))  # p@example.com leads Paris
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        login(client, "p@example.com")
    missing_bundle = [r for r in caplog.records if "build-assets" in r.getMessage()]
    assert len(missing_bundle) == 1 and missing_bundle[0].levelname == "ERROR"
    response = client.get(
        f"/dashboard/{org.assessment.id}/{org.teams['Paris'].id}?wave={org.waves[-1].id}"
    )
    assert response.status_code == 200
    assert len([r for r in caplog.records if "build-assets" in r.getMessage()]) == 1
    html = response.get_data(as_text=True)
    assert "vendor/vega-bundle.js" in html and "Table view" in html
    missing = client.get("/static/vendor/vega-bundle.js")
    assert missing.status_code == 404
    missing.close()


def test_build_assets_writes_the_bundle_that_the_app_serves(
    app, runner, client, monkeypatch, tmp_path
):
    static = tmp_path / "static"
    monkeypatch.setattr(app, "static_folder", str(static))
    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda: "/* the vega bundle */\n")

    result = runner.invoke(args=["build-assets"])
    assert result.exit_code == 0, result.output
    bundle = static / "vendor" / "vega-bundle.js"
    assert result.output.startswith(f"Wrote {bundle}")
    assert bundle.stat().st_mode & 0o777 == 0o644  # readable by a web server of its own
    served = client.get("/static/vendor/vega-bundle.js")
    assert served.status_code == 200
    assert served.get_data(as_text=True) == "/* the vega bundle */\n"
    served.close()
    assert static_assets.check_vega_bundle(app) is True

    modified = bundle.stat().st_mtime_ns
    again = runner.invoke(args=["build-assets"])
    assert again.exit_code == 0 and again.output.startswith(f"Up to date: {bundle}")
    assert bundle.stat().st_mtime_ns == modified
