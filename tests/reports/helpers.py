"""Reading exports and reports in tests, and putting chosen responses into the database."""

from __future__ import annotations

import csv
import io
import re
import zlib
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from survey.models import Assessment, LadderRung, Organisation, Response, Team, Wave
from survey.models._columns import utcnow
from survey.models.response import pack_values
from tests.factories import rep_questionnaire
from tests.org_factory import Org

BOM = "\ufeff"
EXPORTS = ("responses-long", "responses-wide", "scores", "aggregates")


def base(org: Org) -> str:
    return f"/clients/{org.organisation.id}/assessments/{org.assessment.id}"


def rows_of(text: str) -> list[dict[str, str]]:
    """The CSV's rows as dicts; the file must start with the byte order mark."""
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


def download(client, org: Org, name: str) -> list[dict[str, str]]:
    response = client.get(f"{base(org)}/exports/{name}.csv")
    assert response.status_code == 200, name
    assert response.mimetype == "text/csv"
    return rows_of(response.get_data(as_text=True))


def add_response(
    dbs,
    wave: Wave,
    team: Team,
    keyed_value: int = 5,
    *,
    respondent_key: str | None = None,
    words: str | None = None,
) -> Response:
    """A response answering every statement ``keyed_value`` after reverse keying."""
    questionnaire = rep_questionnaire()
    answers = [8 - keyed_value if item.reversed else keyed_value for item in questionnaire.items]
    response = Response(
        wave=wave,
        team_id=team.id,
        questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version,
        values=pack_values(answers),
        respondent_key=respondent_key,
        ladder=[LadderRung(position=1, target="customers", words=words)],
    )
    dbs.add(response)
    return response


def pdf_page_count(pdf: bytes) -> int:
    """Pages in the PDF's page tree, read from its (possibly compressed) objects."""
    objects = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            objects.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    text = b"\n".join(objects)
    counts = re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", text)
    counts += re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", text)
    return max((int(count) for count in counts), default=0)


@dataclass
class Scaled:
    """One team answering two waves: five coherent scales and one (incentives) of noise."""

    org: Org
    keyed: dict[int, np.ndarray]  # wave id -> responses x items, after reverse keying


def build_scaled(dbs, n: int = 12, seed: int = 7) -> Scaled:
    """Organisation "Lumen": one team, Sales, answering Wave 1 and Wave 2 (a shift of +1)."""
    questionnaire = rep_questionnaire()
    organisation = Organisation(name="Lumen")
    dbs.add(organisation)
    dbs.flush()
    sales = Team(organisation_id=organisation.id, name="Sales")
    assessment = Assessment(
        organisation_id=organisation.id,
        name="Mindset 2027",
        rep_questionnaire_key=questionnaire.key,
        rep_questionnaire_version=questionnaire.version,
        rep_questionnaire_sha256=questionnaire.sha256,
    )
    now = utcnow()
    waves = [
        Wave(
            assessment=assessment,
            name=f"Wave {number}",
            opens_at=now - timedelta(days=days),
            closes_at=now - timedelta(days=days - 10),
        )
        for number, days in ((1, 100), (2, 20))
    ]
    dbs.add_all([sales, assessment, *waves])
    dbs.flush()
    rng = np.random.default_rng(seed)
    noise_scale = np.array([item.dimension == "incentives" for item in questionnaire.items])
    keyed = {}
    for shift, wave in enumerate(waves):
        trait = rng.normal(shift, 1.0, size=(n, 1))
        signal = np.where(noise_scale, 0.0, 1.2 * trait)
        spread = np.where(noise_scale, 1.5, 0.6)
        values = np.clip(np.rint(3.5 + signal + rng.normal(0, 1, signal.shape) * spread), 1, 7)
        keyed[wave.id] = values
        for row in values.astype(int):
            raw = [
                8 - v if item.reversed else v
                for v, item in zip(row, questionnaire.items, strict=True)
            ]
            dbs.add(
                Response(
                    wave=wave,
                    team_id=sales.id,
                    questionnaire_key=questionnaire.key,
                    questionnaire_version=questionnaire.version,
                    values=pack_values([int(v) for v in raw]),
                    ladder=[LadderRung(position=1, target="customers")],
                )
            )
    dbs.commit()
    return Scaled(Org(organisation, assessment, waves, {"Sales": sales}), keyed)
