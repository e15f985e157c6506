"""Every function and class in ``analysis/`` serves the app: none is called by tests alone.

A statistic the app does not call drifts from the one it does (issue 10 found the cooperation
map keyed ``gave`` while the instrument stores ``given``). Reachability is by name: a top-level
function or class of ``analysis/`` is live when the app's code (``survey/``,
``questionnaires/``) names it, or when a live one, or module-level code of ``analysis/``, does.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _names(node: ast.AST) -> set[str]:
    found = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name):
            found.add(inner.id)
        elif isinstance(inner, ast.Attribute):
            found.add(inner.attr)
        elif isinstance(inner, ast.ImportFrom):
            found |= {alias.name for alias in inner.names}
    return found


def unreached() -> list[str]:
    """``module.name`` of each top-level function or class of ``analysis/`` the app misses."""
    definitions: dict[tuple[str, str], ast.AST] = {}
    roots: set[str] = set()
    for path in sorted((ROOT / "analysis").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                definitions[(path.stem, node.name)] = node
            elif not isinstance(node, ast.Import | ast.ImportFrom):
                roots |= _names(node)
    for folder in ("survey", "questionnaires"):
        for path in (ROOT / folder).rglob("*.py"):
            roots |= _names(ast.parse(path.read_text()))
    live: set[tuple[str, str]] = set()
    waiting = [key for key in definitions if key[1] in roots]
    while waiting:
        key = waiting.pop()
        if key in live:
            continue
        live.add(key)
        used = _names(definitions[key])
        waiting += [other for other in definitions if other[1] in used and other not in live]
    return sorted(f"{module}.{name}" for module, name in definitions if (module, name) not in live)


def test_the_app_reaches_every_function_and_class_of_analysis():
    assert unreached() == []


def test_the_check_sees_a_function_only_tests_call(tmp_path, monkeypatch):
    (tmp_path / "analysis").mkdir()
    (tmp_path / "survey").mkdir()
    (tmp_path / "questionnaires").mkdir()
    (tmp_path / "analysis" / "stats.py").write_text(
        "def used():\n    return helper()\n\n\ndef helper():\n    return 1\n\n\n"
        "def orphan():\n    return 2\n"
    )
    (tmp_path / "survey" / "views.py").write_text("from analysis.stats import used\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert unreached() == ["stats.orphan"]
