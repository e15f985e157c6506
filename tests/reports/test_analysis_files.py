"""The responses for SPSS and R: read back with pyreadstat and with R's own read.R, they hold
the wide export's rows, the scores export's numbers and every label of the codebook."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from collections import Counter

import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from questionnaires import load_directory
from survey.models import AuditEvent
from survey.reports.analysis_files import sav_file
from survey.reports.codebook import NOT_APPLICABLE, codebook
from survey.reports.exports import ExportPlan
from tests.auth.helpers import login
from tests.factories import gen_response, rep_questionnaire
from tests.reports.helpers import base, download, made

FORMULA = '=HYPERLINK("http://evil.example","x")'


def analysis_file(client, org, name: str):
    _page, response = made(client, f"{base(org)}/exports/for/{name}")
    assert response.status_code == 200, name
    return response


def answers(rows, items) -> Counter:
    """The rows' (wave, team, answers) as a multiset: row ids are new in every file."""
    return Counter(
        (row["wave"], row["team"], tuple(int(float(row[i])) for i in items)) for row in rows
    )


def test_the_spss_file_has_the_rows_labels_missing_codes_and_scores(client, answered_org, tmp_path):
    login(client, "c@example.com")
    questionnaire = rep_questionnaire()
    items = [item.id for item in questionnaire.items]
    response = analysis_file(client, answered_org, "spss")
    assert response.mimetype == "application/x-spss-sav"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="acme-solar-mindset-2026-all-waves-spss.sav"'
    )
    path = tmp_path / "responses.sav"
    path.write_bytes(response.data)
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)

    wide = download(client, answered_org, "responses-wide")
    scores = download(client, answered_org, "scores")
    dimensions = [dimension.key for dimension in questionnaire.dimensions]
    assert list(frame.columns) == [*list(wide[0]), "mindset_index", *dimensions]
    records = frame.astype(object).where(frame.notna(), "").to_dict("records")
    assert answers(records, items) == answers(wide, items)
    assert sorted(frame["mindset_index"].round(2)) == sorted(
        float(r["mindset_index"]) for r in scores
    )

    labels = meta.column_names_to_labels
    scale = {
        float(value): label
        for value, label in zip(range(1, 8), questionnaire.scale.labels, strict=True)
    }
    for item in questionnaire.items:
        reverse = " [reverse-keyed]" if item.keyed == "contractual" else ""
        assert labels[item.id] == item.text + reverse
        expected = {**scale, 0.0: "Does not apply"} if item.not_applicable else scale
        assert meta.variable_value_labels[item.id] == expected
        assert meta.missing_ranges.get(item.id, []) == (
            [{"lo": 0.0, "hi": 0.0}] if item.not_applicable else []
        )
        assert meta.variable_measure[item.id] == "ordinal"
    assert any(item.keyed == "contractual" for item in questionnaire.items)
    assert meta.variable_measure["mindset_index"] == "scale"
    assert meta.variable_measure["team"] == "nominal"


def test_the_r_bundle_loads_with_its_labels(client, dbs, answered_org, tmp_path):
    gen_response(dbs, answered_org.waves[-1], answered_org.teams["Product"], words=FORMULA)
    login(client, "c@example.com")
    questionnaire = rep_questionnaire()
    response = analysis_file(client, answered_org, "r")
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].endswith('-all-waves-r.zip"')
    with zipfile.ZipFile(io.BytesIO(response.data)) as bundle:
        assert sorted(bundle.namelist()) == [
            "codebook.csv",
            "read.R",
            "responses.csv",
            "values.csv",
        ]
        bundle.extractall(tmp_path)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "responses.csv").read_text("utf-8"))))
    codebook = list(csv.DictReader(io.StringIO((tmp_path / "codebook.csv").read_text("utf-8"))))
    assert [entry["variable"] for entry in codebook] == list(rows[0])
    assert {row["why_1_words"] for row in rows if row["why_1_words"]} == {"'" + FORMULA}
    first = questionnaire.items[0]
    assert codebook[3 + 0]["variable"] == first.id and codebook[3]["label"] == first.text
    assert codebook[3]["keyed"] == first.keyed and codebook[3]["dimension"] == first.dimension

    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed (apt-get install r-base-core): read.R not run")
    script = (
        'source("read.R"); '
        f'column <- responses[["{first.id}"]]; '
        'cat(nrow(responses), attr(column, "label"), names(attr(column, "labels"))[1], '
        'class(column), sum(is.na(responses$mindset_index)), sep = "\\n")'
    )
    ran = subprocess.run(
        ["Rscript", "-e", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    count, label, first_label, kind, missing_index = ran.stdout.splitlines()
    assert int(count) == len(rows)
    assert label == first.text and first_label == questionnaire.scale.labels[0]
    assert kind == "numeric" and int(missing_index) == sum(not r["mindset_index"] for r in rows)


def test_the_files_are_audited_and_refused_for_unknown_names(client, dbs, answered_org):
    login(client, "c@example.com")
    analysis_file(client, answered_org, "spss")
    events = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "export.download")).all()
    assert [event.details["export"] for event in events] == ["spss"]
    page = client.get(f"{base(answered_org)}/exports/").get_data(as_text=True)
    assert f"{base(answered_org)}/exports/for/r" in page
    assert client.post(f"{base(answered_org)}/exports/for/stata").status_code in (400, 404)


def test_does_not_apply_is_a_labelled_user_missing_code(app, tmp_path):
    """On the newest rep questionnaire (statements that offer "does not apply"), the code 0 is
    kept, labelled and declared missing: SPSS leaves it out of means without losing it."""
    questionnaires = load_directory()
    newest = max(version for key, version in questionnaires if key == "rep-mindset")
    questionnaire = questionnaires["rep-mindset", newest]
    offers = [item for item in questionnaire.items if item.not_applicable]
    assert offers
    plan = ExportPlan(questionnaire, True, [], {}, {}, {}, None)
    with app.test_request_context():
        variables = codebook(plan)
    row = {v.name: (4.0 if v.type != "text" else "x") for v in variables}
    row[offers[0].id] = NOT_APPLICABLE
    path = tmp_path / "na.sav"
    path.write_bytes(sav_file(pd.DataFrame([row, {**row, offers[0].id: 2.0}]), variables, "t"))
    kept, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert list(kept[offers[0].id]) == [0.0, 2.0]
    assert meta.variable_value_labels[offers[0].id][0.0] == "Does not apply"
    dropped, _meta = pyreadstat.read_sav(str(path))
    assert dropped[offers[0].id].isna().tolist() == [True, False]
    assert list(kept.columns)[:2] == ["row_id", "pseudonym"]


def test_an_answer_after_the_release_changes_no_file(client, dbs, answered_org, tmp_path):
    """Two looks at the same files, one more answer between them: the waves are released in
    full, so the SPSS rows and the workbook's figures stay as they were."""
    login(client, "c@example.com")
    items = [item.id for item in rep_questionnaire().items]

    def looks() -> tuple[Counter, list]:
        path = tmp_path / "look.sav"
        path.write_bytes(analysis_file(client, answered_org, "spss").data)
        frame, _meta = pyreadstat.read_sav(str(path))
        rows = frame.astype(object).where(frame.notna(), "").to_dict("records")
        _page, book = made(client, f"{base(answered_org)}/report.xlsx")
        sheets = load_workbook(io.BytesIO(book.data), read_only=True)
        cells = [
            (sheet.title, row)
            for sheet in sheets.worksheets
            if sheet.title != sheets.worksheets[0].title  # "About" carries the day it was made
            for row in sheet.iter_rows(values_only=True)
        ]
        return answers(rows, items), cells

    before = looks()
    gen_response(dbs, answered_org.waves[-1], answered_org.teams["Product"], cooperation=True)
    assert looks() == before
