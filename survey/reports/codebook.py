"""The variables of the files for statistics programs (SPSS, R): one row per response.

Each variable says what it holds: its name, a label in words (an item's wording), its type, its
level of measurement, the labels of its values, its user-missing codes, and for an item its
keying and dimension. The columns are those of the wide CSV export (identity, raw answers, the
WHY ladder, the teams helped) followed by the mindset index and the dimension scores, as the
scores export computes them.

An item that offers "does not apply" stores that answer as missing; here it is the value
``NOT_APPLICABLE`` (0), labelled and declared user-missing, so that SPSS and R leave it out of
means without losing it. Items answered on every page cannot be missing otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from survey.reports.export_csv import identity_header
from survey.reports.exports import ExportPlan

NOT_APPLICABLE = 0
TEXT, WHOLE, NUMBER = "text", "whole number", "number"
NOMINAL, ORDINAL, SCALE = "nominal", "ordinal", "scale"
REVERSED = "contractual"  # items keyed towards the contractual pole are reversed for scoring


@dataclass(frozen=True)
class Variable:
    """One column of the data file and what it means."""

    name: str
    label: str
    type: str  # TEXT, WHOLE or NUMBER
    level: str  # NOMINAL, ORDINAL or SCALE
    values: dict[int, str] = field(default_factory=dict)
    missing: tuple[int, ...] = ()
    keyed: str = ""  # an item's pole: "purpose" or "contractual" (reverse-keyed)
    dimension: str = ""


def codebook(plan: ExportPlan) -> list[Variable]:
    """The variables of one response row of the plan's export, in column order."""
    questionnaire = plan.questionnaire
    identity = {
        "row_id": _("Random row id, new in every file"),
        "pseudonym": _("Pseudonym: the same for one person's responses in every wave"),
        "wave": _("Wave"),
        "team": _("Team (the nearest shown team above a team too small to show)"),
    }
    variables = [Variable(name, identity[name], TEXT, NOMINAL) for name in identity_header(plan)]
    scale = questionnaire.scale
    points = {scale.min + offset: label for offset, label in enumerate(scale.labels)}
    for item in questionnaire.items:
        values, missing = dict(points), ()
        if item.not_applicable:
            values[NOT_APPLICABLE], missing = _("Does not apply"), (NOT_APPLICABLE,)
        variables.append(
            Variable(
                item.id,
                item.text,
                WHOLE,
                ORDINAL,
                values,
                missing,
                keyed=item.keyed,
                dimension=item.dimension,
            )
        )
    ladder = questionnaire.ladder
    for position in range(1, (ladder.max_rungs if ladder else 0) + 1):
        variables += [
            Variable(
                f"why_{position}", _("WHY ladder, rung %(n)s: kind", n=position), TEXT, NOMINAL
            ),
            Variable(
                f"why_{position}_words",
                _("WHY ladder, rung %(n)s: words", n=position),
                TEXT,
                NOMINAL,
            ),
        ]
    variables += [
        Variable("help_received", _("Teams that helped (paths, separated by ;)"), TEXT, NOMINAL),
        Variable("help_given", _("Teams helped (paths, separated by ;)"), TEXT, NOMINAL),
        Variable("mindset_index", _("Mindset index, 0 contractual to 100 purpose"), NUMBER, SCALE),
    ]
    variables += [
        Variable(
            dimension.key,
            _("%(dimension)s, 0 contractual to 100 purpose", dimension=dimension.name),
            NUMBER,
            SCALE,
            dimension=dimension.key,
        )
        for dimension in questionnaire.dimensions
    ]
    return variables


CODEBOOK_COLUMNS = ["variable", "label", "type", "level", "keyed", "dimension"]
VALUES_COLUMNS = ["variable", "value", "label", "missing"]


def codebook_rows(variables: list[Variable]) -> list[list[str]]:
    """The codebook as a table of ``CODEBOOK_COLUMNS``, one row per variable."""
    return [[v.name, v.label, v.type, v.level, v.keyed, v.dimension] for v in variables]


def value_rows(variables: list[Variable]) -> list[list]:
    """The value labels as a table of ``VALUES_COLUMNS``: one row per coded value, ``missing``
    ``TRUE`` for a user-missing code (R reads ``TRUE`` and ``FALSE`` as logical)."""
    return [
        [v.name, code, label, "TRUE" if code in v.missing else "FALSE"]
        for v in variables
        for code, label in sorted(v.values.items())
    ]
