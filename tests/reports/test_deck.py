"""The report as slides: a title, the reading, a picture per chart with its table in the notes,
reliability and methodology; the consultant's branding; only for those who may read the report."""

from __future__ import annotations

import html as html_text
import io
import re

from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from sqlalchemy import select

from survey.models import AuditEvent
from tests.auth.helpers import login
from tests.reports.helpers import ask, base, made

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<td>(.*?)</td>", re.S)
HIDDEN = re.compile(r'<ul class="hidden-notes">(.*?)</ul>', re.S)
ITEM = re.compile(r"<li>(.*?)</li>", re.S)
WORDS = re.compile(r'<div class="report-block report-words">.*?</div>', re.S)


def deck_of(client, org, query: str = ""):
    """The slides of the report (``query``: ``?team=...&wave=...``), made by their job."""
    _page, response = made(client, f"{base(org)}/report.pptx{query}")
    assert response.status_code == 200 and response.mimetype == PPTX
    return Presentation(io.BytesIO(response.data)), response


def pictures(slide) -> list:
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def words(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def table_rows(section: str) -> list[str]:
    """The rows of the section's tables as the deck's notes write them: cells joined by |."""
    return [
        " | ".join(html_text.unescape(cell).strip() for cell in CELL.findall(row))
        for row in ROW.findall(section)
        if "<td>" in row
    ]


def test_a_slide_per_chart_with_its_picture_and_the_tables_in_the_notes(client, dbs, answered_org):
    answered_org.users["consultant"].language = "fr"
    dbs.commit()
    login(client, "c@example.com")
    page = client.get(f"{base(answered_org)}/report").get_data(as_text=True)
    deck, response = deck_of(client, answered_org)
    name = f"acme-solar-mindset-2026-{answered_org.waves[-1].name.lower()}-slides.pptx"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)  # 16:9

    teams, charts = page.count('class="report-team"'), page.count('class="report-figure"')
    assert teams == 2  # Global and Product
    slides = list(deck.slides)
    # The title, each team's reading and charts, reliability, methodology.
    assert len(slides) == 1 + teams + charts + 2
    assert sum(len(pictures(slide)) for slide in slides) == page.count('class="report-svg"') > 0
    assert not notes(slides[0]) and all(notes(slide) for slide in slides[1:])
    assert "Mindset 2026: Acme Solar, toute l" in words(slides[0])
    assert words(slides[-1]).startswith("Méthodologie")

    for team in (answered_org.teams["Global"], answered_org.teams["Product"]):
        section = page.split(f'id="team-{team.id}"')[1].split('<section class="report-')[0]
        reading = next(s for s in slides if words(s).startswith(f"{team.name}: "))
        shown = table_rows(section)
        assert len(shown) > 7  # the index and six dimensions, and the change
        assert all(row in notes(reading) for row in shown), team.name
        assert re.search(r"\d+,\d", notes(reading))  # one decimal, in French
    figures = WORDS.sub("", page)  # the deck leaves out the reps' own words
    hidden = [
        html_text.unescape(item)
        for block in HIDDEN.findall(figures)
        for item in ITEM.findall(block)
    ]
    assert any(line.startswith("Spain") for line in hidden)  # fewer than 5 answers
    everything = "\n".join(words(slide) + notes(slide) for slide in slides)
    assert all(line in everything for line in hidden)
    with_pictures = [slide for slide in slides if pictures(slide)]
    assert all(re.search(r"\d", notes(slide)) for slide in with_pictures)
    picture = pictures(with_pictures[0])[0]
    assert Image.open(io.BytesIO(picture.image.blob)).format == "PNG"


def test_a_team_below_the_minimum_gets_slides_saying_why_and_no_picture(client, answered_org):
    login(client, "c@example.com")
    spain, wave = answered_org.teams["Spain"].id, answered_org.waves[-1].id
    deck, response = deck_of(client, answered_org, f"?team={spain}&wave={wave}")
    assert response.headers["Content-Disposition"].endswith(
        f'-{answered_org.waves[-1].name.lower()}-spain-slides.pptx"'
    )
    slides = list(deck.slides)
    assert sum(len(pictures(slide)) for slide in slides) == 0
    charts = [slide for slide in slides if "No chart: every figure" in words(slide)]
    assert charts and all("fewer than 5 answers" in words(slide) for slide in charts)
    assert all("Nothing to show yet." in notes(slide) for slide in charts)


def test_the_consultancys_name_and_logo_are_on_the_title_slide(client, dbs, answered_org):
    logo = io.BytesIO()
    Image.new("RGB", (300, 100), (200, 30, 30)).save(logo, format="PNG")
    consultant = answered_org.users["consultant"]
    consultant.brand_name, consultant.brand_logo = "Clear Minds Consulting", logo.getvalue()
    dbs.commit()
    login(client, "c@example.com")
    deck, _response = deck_of(client, answered_org)
    title = deck.slides[0]
    assert "Clear Minds Consulting" in words(title)
    (shown,) = pictures(title)
    assert shown.image.blob == logo.getvalue()
    assert shown.left + shown.width <= deck.slide_width


def test_only_those_who_may_read_the_report_get_slides_and_each_is_audited(
    app, client, dbs, answered_org
):
    url = f"{base(answered_org)}/report.pptx"
    for email in ("g@example.com", "rival@example.com"):
        other = app.test_client()
        login(other, email)
        assert ask(other, url).status_code == 404, email
    assert client.get(url).status_code == 405
    refused = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused")).all()
    assert {event.user_email for event in refused} == {"g@example.com", "rival@example.com"}

    login(client, "c@example.com")
    page = client.get(f"{base(answered_org)}/report").get_data(as_text=True)
    assert f'<form method="post" action="{url}?wave=' in page and "Download as slides" in page
    deck_of(client, answered_org)
    (event,) = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "report.download"))
    assert event.user_email == "c@example.com"
    assert event.details["format"] == "pptx" and event.details["job"]
    assert event.organisation_id == answered_org.organisation.id
