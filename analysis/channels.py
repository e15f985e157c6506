"""How answers through team links count towards the minimum group size ``k``.

A team link is shared: whoever holds it can answer, and nothing ties an answer to a person. That
makes it the one way to *stuff* a group: someone who sends ``k - 1`` answers with values they
know, next to one real answer, can work the real one out of the mean
(``k x mean - (k - 1) x known``). Capacities (a team link takes at most as many answers as the
team has people) and one answer per browser make that hard; this rule makes it useless where a
team is also invited personally.

Rule
----
A team's *effective* count in a wave, the count its privacy decision is made on, is

- its personal answers plus its team-link answers, when it has no personal invitations in that
  wave (team links are its only channel) or no team-link answers;
- the same, when its personal answers alone reach ``k``;
- otherwise its personal answers only: team-link answers never lift a team that is also
  invited personally to ``k``.

Reason: personal invitations are single-use links sent to named people, so ``k`` personal
answers are ``k`` different people; team-link answers may all come from one person. Where both
kinds exist, the cell is taken as under ``k`` unless the personal answers alone reach it.

The effective count is never more than the real number of answers, so passing effective counts
to :func:`analysis.privacy.suppress` as ``own_counts`` keeps its guarantee: every block it lets
through has at least ``k`` *counted* respondents, hence at least ``k`` real ones. Aggregates may
still be computed over all the answers (more people than counted can only help), but the ``n``
a suppression decision is made on must then be the effective one.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from numbers import Integral
from typing import TypeVar

from analysis.privacy import check_k

K = TypeVar("K", bound=Hashable)


def _count(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def effective_count(personal: int, team_link: int, k: int, invited: int = 0) -> int:
    """Return the count a team's privacy decision is made on (see the module docstring).

    Parameters
    ----------
    personal : int
        Answers through personal (single-use) invitations.
    team_link : int
        Answers through team links.
    k : int
        The assessment's minimum group size.
    invited : int, default 0
        Personal invitations to the team in that wave; a team with personal answers has
        personal invitations whatever this says.

    Examples
    --------
    The stuffing attack of the issue: one real answer through a personal link and four known
    ones through the team link never reach k = 5.

    >>> effective_count(personal=1, team_link=4, k=5)
    1

    Invited personally, but the real person answered through the team link: still under k.

    >>> effective_count(personal=0, team_link=5, k=5, invited=1)
    0

    Enough personal answers, or a team reached by team links only: every answer counts.

    >>> effective_count(personal=5, team_link=3, k=5)
    8
    >>> effective_count(personal=0, team_link=6, k=5)
    6
    """
    check_k(k)
    personal = _count(personal, "personal")
    team_link = _count(team_link, "team_link")
    invited = _count(invited, "invited")
    if team_link == 0 or (personal == 0 and invited == 0) or personal >= k:
        return personal + team_link
    return personal


def effective_counts(
    personal: Mapping[K, int],
    team_link: Mapping[K, int],
    k: int,
    invited: Mapping[K, int] | None = None,
) -> dict[K, int]:
    """Apply :func:`effective_count` to every key, such as ``(group, wave)``.

    A key missing from one mapping counts 0 there. The result can be passed to
    :func:`analysis.privacy.suppress` as ``own_counts``.

    >>> effective_counts({("FR", "w1"): 1, ("DE", "w1"): 6}, {("FR", "w1"): 4}, k=5)
    {('FR', 'w1'): 1, ('DE', 'w1'): 6}
    """
    invited = invited or {}
    keys = list(dict.fromkeys([*personal, *team_link]))
    return {
        key: effective_count(
            personal.get(key, 0), team_link.get(key, 0), k, invited=invited.get(key, 0)
        )
        for key in keys
    }
