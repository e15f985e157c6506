"""The report as a slide deck (PowerPoint, 16:9), for a consultant to present.

Made from the :class:`~survey.reports.report.Report`, which hides whatever the minimum group size
hides: nothing here computes a number. Slides: the title (with the consultancy's name and logo),
then for each team its reading in words and one slide per chart, the chart drawn as a PNG by
vl-convert with the table behind it, rounded as on screen, in the slide's notes; a hidden chart
gets a slide saying why. Then the languages when several were answered in, the reliability of the
scales and a short methodology. Texts are in the current language (the job's reader's).
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import pandas as pd
import vl_convert
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from pptx import Presentation
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from survey.i18n import day, number, percent
from survey.releases.labels import shown_value
from survey.reports.branding import Branding
from survey.reports.report import Figure, Report, TeamReport
from survey.reports.svg import FONT

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.33 × 7.5 in: PowerPoint's 16:9
MARGIN = Inches(0.5)
BLANK_LAYOUT = 6
COVER_POINTS, TITLE_POINTS, TEXT_POINTS, SMALL_POINTS = 36, 28, 18, 14
BODY_TOP = Inches(1.4)
BODY_HEIGHT = HEIGHT - BODY_TOP - MARGIN
CHART_TOP = Inches(2.2)  # under a chart's title and description
PNG_SCALE = 2  # pixels per chart pixel: sharp on a projector


def report_deck(report: Report, branding: Branding) -> bytes:
    """The ``.pptx`` of ``report``, carrying ``branding`` on its title slide."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    macros = current_app.jinja_env.get_template("dashboard/_section.html").make_module()
    _title_slide(deck, report, branding)
    if not report.teams:
        _slide(
            deck,
            report.scope,
            [_("This organisation has no teams yet, so there is nothing to report.")],
        )
    for part in report.teams:
        _reading_slide(deck, part, macros)
        for figure in part.figures:
            _figure_slide(deck, part, figure, macros)
    if report.languages:
        note = report.languages
        rows = [f"{row.name}: {row.n}" for row in note.rows]
        _slide(deck, _("By language"), note.sentences, notes=rows)
    _reliability_slide(deck, report)
    _methodology_slide(deck, report)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _title_slide(deck, report: Report, branding: Branding) -> None:
    if report.previous:
        waves = _(
            "Wave %(wave)s, compared with %(previous)s.",
            wave=report.wave.name,
            previous=report.previous.name,
        )
    else:
        waves = _("Wave %(wave)s.", wave=report.wave.name)
    lines = [
        waves,
        _("Made on %(day)s.", day=day(report.made_on)),
        _("A figure is shown only when %(k)s or more people stand behind it.", k=report.k),
    ]
    if branding.name:
        lines.append(branding.name)
    slide = deck.slides.add_slide(deck.slide_layouts[BLANK_LAYOUT])
    _text(slide, [_("Mindset Survey · report")], MARGIN, Inches(1.7), SMALL_POINTS)
    title = f"{report.assessment.name}: {report.scope}"
    _text(slide, [title], MARGIN, Inches(2.2), COVER_POINTS, height=Inches(1.6), bold=True)
    _text(slide, lines, MARGIN, Inches(4.0), TEXT_POINTS, height=HEIGHT - Inches(4.0) - MARGIN)
    if branding.logo_png:
        box = (WIDTH - MARGIN - Inches(3.5), MARGIN, Inches(3.5), Inches(1.2))
        _picture(slide, branding.logo_png, *box)


def _reading_slide(deck, part: TeamReport, macros) -> None:
    board, reading = part.board, part.reading
    lines = [" ".join(reading.sentences)]
    lines += [f"{s.practice.title}: {s.practice.why}" for s in reading.suggestions]
    lines += part.findings
    head, change = board.sections["headline"], part.change
    notes = [
        *_table_lines(
            head.table,
            _("The index and the six dimensions, %(wave)s", wave=board.wave.name),
            macros,
        ),
        *_hidden_lines(head.hidden),
        "",
        *_table_lines(change.table, change.title, macros),
        *_hidden_lines(change.hidden),
    ]
    _slide(deck, f"{board.team.path}: {_('In a few words')}", lines, notes=notes)


def _figure_slide(deck, part: TeamReport, figure: Figure, macros) -> None:
    """The chart as a picture under its description; a hidden chart's slide says why."""
    section = figure.section
    spec = part.board.specs.get(figure.key)
    title = f"{section.title} · {part.board.team.path}"
    notes = [
        *section.findings,
        *_table_lines(section.table, section.title, macros),
        *_hidden_lines(section.hidden),
    ]
    if spec is None:
        why = _("No chart: every figure it would draw is hidden, for the reasons below.")
        _slide(deck, title, [figure.description, why, *_hidden_lines(section.hidden)], notes)
        return
    slide = _slide(deck, title, [figure.description], notes, body=CHART_TOP - BODY_TOP)
    png = vl_convert.vegalite_to_png(
        spec, scale=PNG_SCALE, config={"font": FONT}, allowed_base_urls=[]
    )
    _picture(slide, png, MARGIN, CHART_TOP, WIDTH - 2 * MARGIN, HEIGHT - CHART_TOP - MARGIN)


def _reliability_slide(deck, report: Report) -> None:
    rel, threshold = report.reliability, _short(report.acceptable_alpha)
    lines = [_scale_line(scale, threshold) for scale in rel.scales] or [
        _(
            "No scale can be checked in %(wave)s: no team in this report may be shown.",
            wave=report.wave.name,
        )
    ]
    lines += [
        _("%(team)s: left out, %(reason)s.", team=name, reason=reason)
        for name, reason in rel.left_out
    ]
    notes = [
        _(
            "Cronbach's alpha says how consistently a scale's statements measure one thing; "
            "below %(alpha)s a scale is flagged: read its score with care.",
            alpha=threshold,
        )
    ]
    for scale in rel.scales:
        for item in scale.items or ():
            stats = item.statistics
            notes.append(
                _(
                    "%(scale)s, %(statement)s: item-total r %(r)s, alpha if dropped %(alpha)s",
                    scale=scale.dimension,
                    statement=item.id,
                    r=_two(stats.corrected_item_total),
                    alpha=_two(stats.alpha_if_dropped),
                )
            )
    _slide(
        deck, _("Reliability of the scales in %(wave)s", wave=report.wave.name), lines, notes=notes
    )


def _scale_line(scale, threshold: str) -> str:
    result = scale.result
    if not scale.estimable:
        return _("%(scale)s: too few answers to estimate reliability.", scale=scale.dimension)
    if result.alpha != result.alpha:
        return _(
            "%(scale)s: undefined, %(reason)s.",
            scale=scale.dimension,
            reason=result.undefined_reason,
        )
    line = _(
        "%(scale)s: alpha %(alpha)s (95%% interval %(low)s to %(high)s)",
        scale=scale.dimension,
        alpha=_two(result.alpha),
        low=_two(result.ci[0]),
        high=_two(result.ci[1]),
    )
    return f"{line}, {_('below %(alpha)s', alpha=threshold)}" if scale.below_threshold else line


def _methodology_slide(deck, report: Report) -> None:
    q = report.questionnaire
    lines = [
        _(
            "Each dimension is a scale of statements answered from %(low)s (%(low_label)s) to "
            "%(high)s (%(high_label)s); statements worded towards the contractual pole are "
            "reversed.",
            low=q.scale.min,
            low_label=q.scale.labels[0].lower(),
            high=q.scale.max,
            high_label=q.scale.labels[-1].lower(),
        ),
        _(
            "Scores sit on a line from 0 (fully contractual) to 100 (fully purpose-driven); the "
            "mindset index places the mean of a person's dimension scores on the same line."
        ),
        _("A team's figure covers everyone in the team and in every team below it."),
        _(
            "Each mean comes with its %(level)s interval (Student's t). The change since the "
            "previous wave is tested with the paired t-test where answers could be paired, else "
            "Welch's, adjusted over every team of the organisation (Benjamini–Hochberg).",
            level=percent(0.95),
        ),
        _(
            "Reliability is Cronbach's alpha with its Feldt interval; scales below %(alpha)s "
            "are flagged.",
            alpha=_short(report.acceptable_alpha),
        ),
        _(
            "No figure rests on fewer than %(k)s people: a smaller team is hidden, and so is "
            "any figure from which a smaller group could be worked out.",
            k=report.k,
        ),
    ]
    notes = [f"{d.name}: {d.description}" for d in q.dimensions]
    _slide(deck, _("Methodology"), lines, notes=notes)


def _slide(
    deck, title: str, lines: Iterable[str], notes: Iterable[str] = (), body=BODY_HEIGHT
) -> Slide:
    """A slide with ``title``, the paragraphs ``lines`` in a box ``body`` high under it, and
    the speaker ``notes``."""
    slide = deck.slides.add_slide(deck.slide_layouts[BLANK_LAYOUT])
    _text(slide, [title], MARGIN, Inches(0.3), TITLE_POINTS, height=Inches(1.0), bold=True)
    _text(slide, list(lines), MARGIN, BODY_TOP, TEXT_POINTS, height=body)
    text = "\n".join(notes).strip()
    if text:
        slide.notes_slide.notes_text_frame.text = text
    return slide


def _text(slide: Slide, lines: list[str], left, top, points: int, height=None, bold=False) -> None:
    """Paragraphs in a box as wide as the slide, shrunk on opening when they overflow it."""
    if not lines:
        return
    box = slide.shapes.add_textbox(left, top, WIDTH - 2 * MARGIN, height or Inches(0.6))
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = str(line)
        paragraph.font.size = Pt(points)
        paragraph.font.bold = bold
        paragraph.space_after = Pt(points // 2)


def _picture(slide: Slide, png: bytes, left, top, width, height) -> None:
    """The PNG as large as fits the box, keeping its proportions, centred across the box."""
    picture = slide.shapes.add_picture(io.BytesIO(png), left, top)
    scale = min(width / picture.width, height / picture.height)
    picture.width, picture.height = (
        Emu(int(picture.width * scale)),
        Emu(int(picture.height * scale)),
    )
    picture.left = Emu(int(left + (width - picture.width) / 2))


def _table_lines(table: pd.DataFrame, caption: str, macros) -> list[str]:
    """The table as the page shows it: the caption, the column names, a row per line."""
    if table.empty:
        return [caption, _("Nothing to show yet.")]
    header = " | ".join(str(macros.LABELS.get(column, column)) for column in table.columns)
    rows = [
        " | ".join(
            Markup(macros.cell(column, value)).unescape()
            for column, value in zip(table.columns, row, strict=True)
        )
        for row in table.itertuples(index=False)
    ]
    return [caption, header, *rows]


def _hidden_lines(hidden: list[tuple[str, str]]) -> list[str]:
    return [
        _("%(label)s: not shown, %(reason)s.", label=label, reason=shown_value(reason, "reason"))
        for label, reason in hidden
    ]


def _two(value: float) -> str:
    """Two decimals, or "undefined" for a figure that cannot be computed."""
    return number(value, 2) if value == value else _("undefined")


def _short(alpha: float) -> str:
    """An alpha such as 0.7 as the report writes it: .70."""
    return f"{alpha:.2f}".replace("0.", ".", 1)
