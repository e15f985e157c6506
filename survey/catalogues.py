"""The message catalogues: ``.po`` files in ``survey/translations``, compiled by the build.

Only the ``.po`` sources are kept in the repository; ``flask build-assets`` (and ``make``)
compile them with Babel, so a translation fixed in a ``.po`` file is what the app shows.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DIRECTORY = Path(__file__).parent / "translations"


def compile_catalogues(directory: Path = DIRECTORY) -> list[Path]:
    """Compile every ``<language>/LC_MESSAGES/messages.po`` whose ``.mo`` is missing or older.

    Returns the ``.mo`` files written. Fuzzy entries are left out, as ``pybabel compile`` does.
    """
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as source:
            catalogue = read_po(source, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as target:
            write_mo(target, catalogue)
        written.append(mo_path)
    return written
