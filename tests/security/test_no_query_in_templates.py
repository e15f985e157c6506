"""No query runs while a template renders: every page's data is loaded by its view.

A template that reaches for a lazy relationship (``assessment.waves``) or a global that queries
runs SQL in the middle of rendering, out of the view's sight (and once per row of a list). The
crawl renders every page a consultant, a manager and an admin reach, and counts the statements
the database sees between the start and the end of each render.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from flask import before_render_template, template_rendered
from sqlalchemy import event

from tests.security.pages import crawl
from tests.security.routes import seeds


@contextmanager
def queries_while_rendering(app, dbs):
    """Yield the list of (template, statement) run while a template was rendering."""
    engine = dbs.get_bind()
    rendering: list[str] = []
    found: list[tuple[str, str]] = []

    def started(sender, template, context, **extra):
        rendering.append(template.name)

    def finished(sender, template, context, **extra):
        rendering.pop()

    def executed(conn, cursor, statement, parameters, context, executemany):
        if rendering:
            found.append((rendering[-1], statement.split("\n")[0][:120]))

    before_render_template.connect(started, app)
    template_rendered.connect(finished, app)
    event.listen(engine, "before_cursor_execute", executed)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", executed)
        template_rendered.disconnect(finished, app)
        before_render_template.disconnect(started, app)


@pytest.mark.slow
def test_no_page_queries_the_database_from_its_template(hostile, mailing_app, dbs):
    with queries_while_rendering(mailing_app, dbs) as found:
        for role in ("consultant", "manager", "admin"):
            crawl(hostile.clients[role], seeds(hostile, role, reports=role == "consultant"))
    by_template = sorted({template for template, _ in found})
    assert not found, f"templates that query: {by_template}; first: {found[:3]}"
