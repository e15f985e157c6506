"""Find texts a person would read that do not go through the translation layer.

Templates: the text between tags and the attributes people read (``title``, ``placeholder``,
``aria-label``, ``alt``, ``label``, a button's ``value``) must come from ``_()``/``gettext`` or a
``{% trans %}`` block, and so must the string literals of template expressions that look like
words (``{{ "never" if ... }}``, a macro's hint). Python: the messages of ``flash``, ``abort``,
``ValidationError`` and the labels of form fields must be ``_()``/``_l()`` calls, not literals.

Run as a script to list what is left: ``python -m tests.i18n.untranslated [path ...]``.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment
from jinja2.ext import i18n

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PYTHON = ROOT / "survey"
HOLE = "\x00"
WORDS = re.compile(r"[A-Za-z]{2,}")
NAMES = re.compile(r"Mindset Survey|SolarBright")  # product and demo names stay as they are
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "label"}
# Literals in template expressions that are not prose: endpoints, formats, CSS classes, keys.
NOT_PROSE = re.compile(
    "|".join(
        (
            r"^(?![A-Z][a-z])[\w./%:#?=&@-]*$",  # an endpoint, a format, a key
            r"^[a-z][a-z0-9_-]*( [a-z][a-z0-9_-]*)*$",  # CSS classes
            r"^\{\w+\}$",  # a {placeholder} a script fills in
            r"^[A-Z][a-z]+[A-Z]\w*$",  # a CamelCase class name
        )
    )
)
GETTEXT_NAMES = {"_", "gettext", "ngettext", "_l", "lazy_gettext", "lazy_ngettext", "pgettext"}


def template_problems(path: Path) -> Iterator[str]:
    """``"file:line: text"`` for each untranslated text of one template."""
    source = path.read_text(encoding="utf-8")
    env = Environment(extensions=[i18n])
    name = path.relative_to(ROOT)
    chunks: list[str] = []
    lines: list[int] = []
    depth = 0  # inside {% trans %} ... {% endtrans %}, or a block that names CSS classes
    classes = False
    tokens = list(env.lex(source))
    for index, (line, kind, value) in enumerate(tokens):
        if kind == "name" and value in {"trans", "pluralize"} and _after_block_begin(tokens, index):
            depth += value == "trans"
        elif kind == "name" and value == "endtrans":
            depth -= 1
        elif kind == "name" and value.endswith("_class") and _after_block_name(tokens, index):
            depth += 1  # {% block main_class %}wide{% endblock %}: a CSS class, not words
            classes = True
        elif kind == "name" and value == "endblock" and classes:
            depth -= 1
            classes = False
        if kind == "data" and depth == 0:
            chunks.append(value)
            lines.append(line)
            continue
        if kind == "string" and depth == 0 and _is_prose(value) and not _translated(tokens, index):
            yield f"{name}:{line}: literal {value!r} in an expression"
        if not chunks or chunks[-1] != HOLE:
            chunks.append(HOLE)
            lines.append(line)
    parser = _TextFinder()
    parser.feed("".join(chunks))
    parser.close()
    for text in parser.found:
        yield f"{name}: {text!r}"


def _after_block_begin(tokens: list, index: int) -> bool:
    previous = [kind for _, kind, _ in tokens[max(0, index - 2) : index] if kind != "whitespace"]
    return bool(previous) and previous[-1] == "block_begin"


def _after_block_name(tokens: list, index: int) -> bool:
    previous = [
        value for _, kind, value in tokens[max(0, index - 4) : index] if kind != "whitespace"
    ]
    return previous[-2:] == ["{%", "block"] or previous[-1:] == ["block"]


def _is_prose(literal: str) -> bool:
    text = literal.strip("'\"")
    return bool(WORDS.search(text)) and not NOT_PROSE.match(text)


def _translated(tokens: list, index: int) -> bool:
    """Whether the string at ``index`` is an argument of a gettext call (``_("...")``)."""
    depth = 0
    for _, kind, value in reversed(tokens[:index]):
        if kind == "whitespace":
            continue
        if kind == "operator" and value == ")":
            depth += 1
        elif kind == "operator" and value == "(":
            if depth == 0:
                continue
            depth -= 1
        elif kind == "name" and depth == 0:
            return value in GETTEXT_NAMES
        elif kind in {"block_begin", "variable_begin"}:
            return False
    return False


class _TextFinder(HTMLParser):
    """Collects text nodes and read attributes that still hold words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        button = tag == "input" and dict(attrs).get("type") in {"submit", "button"}
        for attribute, value in attrs:
            readable = attribute in READ_ATTRIBUTES or (button and attribute == "value")
            if readable and value and _words(value):
                self.found.append(f"<{tag} {attribute}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and _words(data):
            self.found.append(" ".join(data.replace(HOLE, "…").split()))


def _words(text: str) -> bool:
    return bool(WORDS.search(NAMES.sub(" ", text.replace(HOLE, " "))))


FIELD = re.compile(r"(Field|Button)$")
MESSAGE_CALLS = {"flash", "abort", "ValidationError"}


def python_problems(path: Path) -> Iterator[str]:
    """``"file:line: call"`` for each literal message or field label of one Python module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = path.relative_to(ROOT)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = _called_name(node.func)
        if called in MESSAGE_CALLS or FIELD.search(called or ""):
            read = node.args[1:] if called == "abort" else node.args[:1]  # not flash's category
            arguments = list(read) + [
                keyword.value
                for keyword in node.keywords
                if keyword.arg in {"label", "message", "description", "description_text"}
            ]
            for argument in arguments:
                if _literal_text(argument):
                    yield f"{name}:{node.lineno}: {called}({ast.unparse(argument)[:60]})"
        if called and called.endswith(("Required", "Length", "NumberRange", "Email", "Regexp")):
            for keyword in node.keywords:
                if keyword.arg == "message" and _literal_text(keyword.value):
                    shown = ast.unparse(keyword.value)[:60]
                    yield f"{name}:{node.lineno}: {called}(message={shown})"


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _literal_text(node: ast.expr) -> bool:
    """A string literal or f-string with words in it (not a gettext call)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(WORDS.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(part, ast.Constant) and WORDS.search(str(part.value)) for part in node.values
        )
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left) or _literal_text(node.right)
    return False


def all_problems(paths: list[Path] | None = None) -> list[str]:
    """Every problem of the given files (default: all templates and the app's Python)."""
    if not paths:
        paths = sorted(TEMPLATES.rglob("*.html")) + sorted(PYTHON.rglob("*.py"))
    found: list[str] = []
    for path in paths:
        path = path.resolve()
        if path.suffix == ".html":
            found.extend(template_problems(path))
        elif path.suffix == ".py" and "migrations" not in path.parts:
            found.extend(python_problems(path))
    return found


if __name__ == "__main__":
    arguments = [Path(argument) for argument in sys.argv[1:]]
    expanded = [
        file
        for path in arguments
        for file in (sorted(path.rglob("*")) if path.is_dir() else [path])
    ]
    problems = all_problems(expanded)
    print("\n".join(problems))
    print(f"{len(problems)} untranslated text(s)", file=sys.stderr)
