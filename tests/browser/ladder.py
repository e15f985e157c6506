"""Climbing the WHY ladder in the browser, one step per screen."""

from __future__ import annotations

from collections.abc import Sequence


def climb(page, steps: Sequence[tuple[str, str]]) -> None:
    """Write each step's words, pick its kind (a target key; "" leaves it to be sorted later),
    then press "Ask me why again", and "That's where it ends" after the last step."""
    for position, (words, kind) in enumerate(steps, start=1):
        page.wait_for_selector(f'input[name="step"][value="{position}"]', state="attached")
        page.fill("#ladder-words", words)
        if kind:
            page.check(f'input[name="ladder-kind"][value="{kind}"]')
        last = position == len(steps)
        page.get_by_role(
            "button", name="That's where it ends" if last else "Ask me why again"
        ).click()
