"""Answers for the instrument quality tests: simulated, put in waves, read back from pages."""

from __future__ import annotations

import html
import re

import numpy as np
from sqlalchemy.orm import Session

from analysis.simulation import (
    grm_item_parameters,
    item_latents,
    simulate_answers,
    simulate_mindset,
)
from questionnaires import Questionnaire
from survey.models import Team, Wave
from tests.factories import manager_questionnaire, new_response, rep_questionnaire

ITEMS_SEED = 2026  # the same items' parameters in every call: one instrument


def simulated(questionnaire: Questionnaire, n: int, seed: int) -> np.ndarray:
    """``n`` people's raw answers (NaN: "does not apply") from the recovery study's model;
    ``seed`` draws the people."""
    rng = np.random.default_rng(seed)
    mindset = simulate_mindset(rng, np.zeros(n, dtype=int), [0.0], len(questionnaire.dimensions))
    climate = [item.perspective == "climate" for item in questionnaire.items]
    latent = item_latents(mindset.theta, questionnaire.item_dimension_index(), mindset.g, climate)
    a, b = grm_item_parameters(np.random.default_rng(ITEMS_SEED), len(questionnaire.items), 7)
    return simulate_answers(
        rng,
        latent,
        a,
        b,
        questionnaire.scale.min,
        questionnaire.scale.max,
        questionnaire.reversed_mask(),
        [item.not_applicable for item in questionnaire.items],
    )


def add_answers(
    dbs: Session,
    wave: Wave,
    team: Team,
    answers: np.ndarray,
    questionnaire: Questionnaire | None = None,
    role: str = "rep",
) -> None:
    """One response per row of ``answers`` (NaN stored as unanswered), committed;
    ``questionnaire`` defaults to the rep's."""
    questionnaire = questionnaire or rep_questionnaire()
    for row in answers:
        values = [None if np.isnan(value) else int(value) for value in row]
        dbs.add(new_response(wave, team, values=values, questionnaire=questionnaire, role=role))
    dbs.commit()


def ask_managers(dbs: Session, org) -> Questionnaire:
    """Give the reference assessment the managers' questionnaire; returns it."""
    managers = manager_questionnaire()
    org.assessment.manager_questionnaire_key = managers.key
    org.assessment.manager_questionnaire_version = managers.version
    org.assessment.manager_questionnaire_sha256 = managers.sha256
    dbs.commit()
    return managers


def quality_url(organisation_id: int, assessment_id: int) -> str:
    return f"/clients/{organisation_id}/assessments/{assessment_id}/quality"


def text_of(page: str) -> str:
    """The page's main text, tags dropped and spaces collapsed."""
    main = page[page.index("<main") :]
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main))).strip()
    return re.sub(r" ([:.,;)])", r"\1", text)


def row_cells(page: str, header: str) -> list[str]:
    """The texts of the cells of the first table row whose row header starts with ``header``."""
    found = rows_of(page, header)
    assert found, f"no row {header!r}"
    return found[0]


def rows_of(page: str, header: str) -> list[list[str]]:
    """The texts of the cells of every table row whose row header starts with ``header``."""
    found = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S):
        cells = [
            re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", cell))).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        if cells and cells[0].startswith(header):
            found.append(cells)
    return found
