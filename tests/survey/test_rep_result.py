"""The result page teaches: plain sentences on each dimension, no comparison with colleagues,
and a printable copy for the rep alone."""

from __future__ import annotations

import html
import re

import pytest

from survey.rep.explanations import ENDS, NOT_PLACED, explain
from tests.factories import make_invitation, make_world
from tests.survey.journey import answer_all, ask_v2


def words(page: str) -> str:
    return " ".join(html.unescape(page).split())


def main_of(page: str) -> str:
    return re.search(r"<main.*</main>", page, re.S).group(0)


def answered(client, dbs, version: int, pole: str = "purpose"):
    """A rep answers a version of the rep questionnaire all towards ``pole``; their /thanks."""
    world = make_world(dbs)
    questionnaire = ask_v2(dbs, world.wave) if version == 2 else world.questionnaire
    assert questionnaire.version == version
    token = make_invitation(dbs, world)
    towards = {
        item.id: "7" if item.keyed == pole else "1"
        for item in questionnaire.items
        if item.perspective == "self"
    }
    answer_all(client, token, questionnaire, value=4, chosen=towards)
    return questionnaire, client.get("/thanks").get_data(as_text=True)


@pytest.mark.parametrize("version", [1, 2])
def test_each_dimension_is_explained_in_plain_sentences(client, dbs, version):
    questionnaire, page = answered(client, dbs, version)
    text = words(main_of(page))
    assert "What your position means" in text
    assert "Neither end is the wrong answer" in text
    for dimension in questionnaire.dimensions:
        sentences = explain(
            questionnaire.key,
            questionnaire.version,
            dimension.key,
            100.0,
            dimension.contractual_pole,
            dimension.purpose_pole,
        )
        assert len(sentences) == 3
        assert " ".join(sentences) in text, dimension.key
    # The bold grey pole blocks joined by "…" are gone.
    assert "…" not in text
    for dimension in questionnaire.dimensions:
        assert dimension.contractual_pole not in text


@pytest.mark.parametrize("version", [1, 2])
def test_every_dimension_of_the_rep_questionnaire_has_its_own_daily_work_sentences(
    client, dbs, version
):
    questionnaire, page = answered(client, dbs, version, pole="contractual")
    text = words(main_of(page))
    for dimension in questionnaire.dimensions:
        assert dimension.key in ENDS
        assert str(ENDS[dimension.key].contractual) in text or dimension.key == "management"
        assert str(ENDS[dimension.key].purpose) in text or dimension.key == "management"
    assert text.count("sit close to the contractual end, at 0 of 100.") == 6
    assert "share a best practice with a colleague in another territory" in text


@pytest.mark.parametrize("version", [1, 2])
def test_version_1_says_its_management_position_is_how_the_rep_is_managed(client, dbs, version):
    _, page = answered(client, dbs, version)
    text = words(main_of(page))
    experienced = "Your answers about how you are managed sit close to the purpose-driven end"
    assert (experienced in text) == (version == 1)
    # Version 2 asks the rep's own stance on management; version 1 does not claim it.
    assert (str(ENDS["management"].purpose) in text) == (version == 2)


@pytest.mark.parametrize("version", [1, 2])
def test_the_page_never_compares_the_rep_with_colleagues(client, dbs, version):
    _, page = answered(client, dbs, version)
    text = words(main_of(page)).lower()
    for comparison in (
        "average",
        "than most",
        "than your colleagues",
        "other reps",
        "percentile",
        "your team's",
        "compared",
        "ranked",
    ):
        assert comparison not in text, comparison


def test_the_contractual_end_is_never_the_bad_answer():
    for ends in ENDS.values():
        for sentence in (ends.contractual, ends.purpose):
            lowered = sentence.lower()
            for judging in ("only cares", "selfish", "bad", "wrong", "fail", "greed", "merely"):
                assert judging not in lowered, (judging, sentence)
    # The purpose-driven end keeps the targets: caring about them is not contractual.
    assert "target still matters" in ENDS["motivation"].purpose
    assert "still want your targets" in ENDS["responsibility"].purpose


def test_a_dimension_without_enough_answers_says_so_and_unknown_ones_use_their_poles():
    sentences = explain("manager-mindset", 9, "novel", None, "Pole A.", "Pole B.")
    assert sentences == [
        NOT_PLACED,
        "Towards the contractual end: Pole A.",
        "Towards the purpose-driven end: Pole B.",
    ]
    assert explain("rep-mindset", 2, "cooperation", 50.0, "", "")[0] == (
        "Your answers sit between the two ends, drawing on both, at 50 of 100."
    )
    assert explain("rep-mindset", 2, "cooperation", 39.9, "", "")[0].startswith(
        "Your answers lean towards the contractual end"
    )


def test_the_precision_sentence_is_kept_in_words(client, dbs):
    _, page = answered(client, dbs, 2)
    text = words(main_of(page))
    assert "How precise is this?" in text
    assert "Questionnaires are never exact" in text


def test_a_print_button_copies_the_result_for_the_rep_alone(client, dbs):
    _, page = answered(client, dbs, 2)
    assert re.search(r'<button type="button" id="print-result"[^>]*\bhidden\b', page)
    assert "Print or save as PDF" in words(page)
    assert '<script src="/static/js/print-result.js"></script>' in page
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert scripts == ['<script type="application/json" id="personal-spec">']  # no inline JS
    with client.get("/static/js/print-result.js") as script:
        assert script.status_code == 200
        assert b"window.print()" in script.data
    with client.get("/static/css/app.css") as response:
        css = response.get_data(as_text=True)
    block = css[css.index("/* ---- Thank-you page: the rep's own result") :]
    assert "@media print" in block and ".no-print" in css
