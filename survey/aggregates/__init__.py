"""The read side shared by releases, dashboards, reports and the API: scored waves, aggregates.

Nothing here is a blueprint, and nothing here imports one: blueprints import from here, never
from each other. The modules (import each one by its name; this file imports none of them, as
``survey.releases`` imports ``loading`` and ``model`` and ``dashboards`` imports the releases):

``loading``
    Reads a wave's responses into scored arrays (``released_scores``).
``cache``
    The process-wide cache of payloads and charts (``score_cache``), without numpy.
``model``
    Aggregates every team's subtree, applies suppression and cuts one team's sections.
``dashboards``
    ``dashboard(session, assessment, team_id, wave_id, with_specs=True) -> Dashboard``: one
    team's released sections for one wave, with their chart specs, cached.
``export``
    Tables for downloads: ``table_csv`` (a table as safe CSV text, through
    ``survey.spreadsheet.safe_cell``) and ``table_records`` (rows as JSON-ready dicts).

Which assessment, team and wave a user may ask for is ``survey.access``'s question.
"""
