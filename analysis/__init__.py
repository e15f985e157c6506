"""Scoring and statistics for the mindset survey: pure functions over arrays and tables.

No Flask and no database here; each module documents its formulas and their sources.
"""
