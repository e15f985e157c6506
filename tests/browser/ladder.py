"""Answering in the browser: every page of a questionnaire, the WHY ladder one step per screen."""

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


def answer_pages(page, pages, value: int) -> None:
    """From the first page on: ``value`` on every statement, one step of the ladder, no team on
    the map, then send; waits for the thank-you page."""
    for plan in pages:
        page.wait_for_url(f"**/{plan.number}")
        if plan.kind == "items":
            for item in plan.items:
                page.check(f'input[name="q-{item.id}"][value="{value}"]')
        elif plan.kind == "ladder":
            climb(page, [("Customers who trust us", "customers")])
            continue
        last = plan.number == len(pages)
        page.get_by_role("button", name="Send my answers" if last else "Next").click()
    page.wait_for_url("**/thanks")
