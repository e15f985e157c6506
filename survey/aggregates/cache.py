"""The process-wide cache of what never changes: release payloads and the charts drawn from them.

Each process has its own cache, filled on demand and never invalidated, only trimmed (the
least recently used entries past :data:`CACHE_SIZE`). So every key names all the database
state its value depends on: release ids (a release's payload is written once), and a stamp
read afresh where later changes matter (erased answers, held-back words). Two app servers
then show the same figures whatever each has cached.

Apart from :mod:`survey.aggregates.loading` (which needs numpy) so that the pages that only
read the cache, or none, do not load the analysis libraries (README, *Workers*).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app

CACHE_SIZE = 256


class _Cache:
    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        return None

    def put(self, key, value) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def score_cache() -> _Cache:
    """The app's cache of scored waves and of what is built from them; its keys name the
    database state each value depends on, so that a hit is never stale (see the module)."""
    return current_app.extensions.setdefault("score_cache", _Cache(CACHE_SIZE))
