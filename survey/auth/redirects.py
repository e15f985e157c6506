"""Where to go after login: only a path on this site, never another host."""

from __future__ import annotations

from urllib.parse import urlsplit

AFTER_LOGIN = "/dashboard/"  # the dashboard index


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else ``None``.

    Refuses absolute and scheme-relative URLs (``https://x``, ``//x``), backslashes (browsers
    read ``/\\x`` as ``//x``) and control characters.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
