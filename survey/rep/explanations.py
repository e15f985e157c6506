"""Plain words for a rep's position on each dimension, for the thank-you page.

Each dimension has one sentence on what its contractual end looks like in daily sales work and one
on its purpose-driven end, after the essay's contrast between managing by objectives alone and
managing by values as well. Neither end is written as the wrong answer: a rep can care a great deal
about targets and still work for a purpose. Nothing here compares the rep with anyone else.

The texts are kept here, keyed by dimension key, because the questionnaire files are frozen once
published. A dimension without texts here falls back on its poles from the questionnaire.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Ends:
    """What the two ends of a dimension look like in daily sales work."""

    contractual: str
    purpose: str


ENDS: dict[str, Ends] = {
    "motivation": Ends(
        contractual=_l(
            "Towards the contractual end, the effort is driven by pay, commission and hitting the "
            "number, and a good month is one where the figures add up."
        ),
        purpose=_l(
            "Towards the purpose-driven end, the target still matters, but the effort also comes "
            "from what the work does for others: the customer whose problem you solved, or a "
            "product you believe in."
        ),
    ),
    "responsibility": Ends(
        contractual=_l(
            "Towards the contractual end, you answer for your own territory's numbers and deliver "
            "them reliably; what happens beyond them is someone else's job."
        ),
        purpose=_l(
            "Towards the purpose-driven end, you still want your targets, and you also feel "
            "answerable for the company's results and its customers, for example passing a lead "
            "to a colleague who can serve that customer better, even when it then counts for them."
        ),
    ),
    "cooperation": Ends(
        contractual=_l(
            "Towards the contractual end, your time goes to your own customers and your own plan, "
            "and other teams' work is theirs to do."
        ),
        purpose=_l(
            "Towards the purpose-driven end, you share a best practice with a colleague in another "
            "territory, help out when another team is stretched, and tell product and marketing "
            "what customers are saying."
        ),
    ),
    "management": Ends(
        contractual=_l(
            "Towards the contractual end, you believe salespeople do best when their manager sets "
            "out what to do and how, follows their activity closely and tightens control when "
            "results fall short: management by objectives."
        ),
        purpose=_l(
            "Towards the purpose-driven end, you believe they do best when the manager explains "
            "why a target matters, trusts people to find their own way to it and agrees the plan "
            "with the team: management by values."
        ),
    ),
    "change": Ends(
        contractual=_l(
            "Towards the contractual end, you see the company's result as the sum of everyone's "
            "individual targets, and you like fixed ways of working and one firm forecast to plan "
            "around."
        ),
        purpose=_l(
            "Towards the purpose-driven end, you see sales, product and service as one connected "
            "system, keep several possible futures in mind, and rethink the rules as the market "
            "changes."
        ),
    ),
    "incentives": Ends(
        contractual=_l(
            "Towards the contractual end, you think pay should follow individual, measurable "
            "results such as revenue against target: clear, fair and hard to argue with."
        ),
        purpose=_l(
            "Towards the purpose-driven end, you think rewards should also recognise help given "
            "to colleagues and long-term value, such as a customer who stays for years, as well "
            "as the numbers."
        ),
    ),
}

# Version 1 of the rep questionnaire asked about the rep's manager on the management dimension
# (see questionnaires/VERSIONS.md), so there the position describes how the rep is managed.
AS_EXPERIENCED: dict[tuple[str, int, str], Ends] = {
    ("rep-mindset", 1, "management"): Ends(
        contractual=_l(
            "Towards the contractual end, your manager says what to do and how, checks activity "
            "numbers closely and tightens control when results fall short: management by "
            "objectives."
        ),
        purpose=_l(
            "Towards the purpose-driven end, your manager explains why targets matter, trusts you "
            "to decide how to work with your customers and keeps a dialogue open: management by "
            "values."
        ),
    ),
}

# Where the position lies, by the same bands as ``survey.rep.result.BANDS``: the sentence of
# the rep's own stance, and the one of how the rep is managed (``AS_EXPERIENCED``).
WHERE = (
    (
        20.0,
        _l("Your answers sit close to the contractual end, at %(position)s of 100."),
        _l(
            "Your answers about how you are managed sit close to the contractual end, "
            "at %(position)s of 100."
        ),
    ),
    (
        40.0,
        _l("Your answers lean towards the contractual end, at %(position)s of 100."),
        _l(
            "Your answers about how you are managed lean towards the contractual end, "
            "at %(position)s of 100."
        ),
    ),
    (
        60.0,
        _l("Your answers sit between the two ends, drawing on both, at %(position)s of 100."),
        _l(
            "Your answers about how you are managed sit between the two ends, drawing on both, "
            "at %(position)s of 100."
        ),
    ),
    (
        80.0,
        _l("Your answers lean towards the purpose-driven end, at %(position)s of 100."),
        _l(
            "Your answers about how you are managed lean towards the purpose-driven end, "
            "at %(position)s of 100."
        ),
    ),
    (
        100.0,
        _l("Your answers sit close to the purpose-driven end, at %(position)s of 100."),
        _l(
            "Your answers about how you are managed sit close to the purpose-driven end, "
            "at %(position)s of 100."
        ),
    ),
)

NOT_PLACED = _l("There were not enough answers here to place you.")


def _where(position: float, experienced: bool) -> str:
    """The sentence of ``position``'s band, in the reader's language."""
    band = next((band for band in WHERE if position < band[0]), WHERE[-1])
    sentence = band[2] if experienced else band[1]
    return str(sentence) % {"position": f"{position:.0f}"}


def explain(
    questionnaire_key: str,
    version: int,
    dimension_key: str,
    position: float | None,
    contractual_pole: str,
    purpose_pole: str,
) -> list[str]:
    """Three plain sentences: where the rep sits on the dimension, then what its contractual and
    its purpose-driven end look like in daily work (in the reader's language)."""
    experienced = AS_EXPERIENCED.get((questionnaire_key, version, dimension_key))
    ends = (
        experienced
        or ENDS.get(dimension_key)
        or Ends(
            contractual=_("Towards the contractual end: %(pole)s", pole=contractual_pole),
            purpose=_("Towards the purpose-driven end: %(pole)s", pole=purpose_pole),
        )
    )
    where = str(NOT_PLACED) if position is None else _where(position, experienced is not None)
    return [where, str(ends.contractual), str(ends.purpose)]
