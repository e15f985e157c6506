"""The read side shared by releases, dashboards, reports and the API: scored waves, aggregates.

``loading`` reads a wave's responses into scored arrays; ``model`` aggregates every team's
subtree, applies suppression and cuts one team's sections. Nothing here is a blueprint.
"""
