"""The accessibility check the rep's browser tests share: axe-core finds nothing serious."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

SERIOUS = {"serious", "critical"}


def assert_accessible(page) -> None:
    """Fail with each serious or critical axe-core violation on ``page`` (id, impact, nodes)."""
    results = Axe().run(page)
    bad = [
        (violation["id"], violation["impact"], len(violation["nodes"]))
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]
    assert not bad, f"{page.url}: {bad}"
