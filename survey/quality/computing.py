"""Figures computed once per set of final releases, the slow ones in a background thread.

The figures of a page depend only on the final releases it reads and on the answers erased
since (:mod:`survey.final_answers`), so they are kept in the app's score cache under a key
naming those releases and the :func:`~survey.final_answers.erasure_stamp`: every process that
computes them computes the same figures. Fitting the factor models takes a second on 1,000
answers to 42 items on an idle machine, several under load, and more for a page with several
versions: when a part has enough answers for them, the answers are read in the request and the
figures computed in a worker thread of this process, while the page says it is computing and
refreshes itself. Smaller samples, without factor models, are computed in the request (under a
second). A computation that fails is logged and kept as :data:`FAILED` under the same key, so
the page says so instead of starting it again on every request.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from flask import current_app

from survey.aggregates.cache import score_cache
from survey.db import db
from survey.final_answers import erasure_stamp

WORKERS = 2
logger = logging.getLogger(__name__)


class Failed:
    """The mark of figures that could not be computed."""


FAILED = Failed()


class _Jobs:
    """The computations under way, by cache key."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: dict[Hashable, Future] = {}
        self.pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="quality")


def cached_or_started(
    key: Hashable,
    read: Callable[[], Any],
    compute: Callable[[Any], Any],
    slow: Callable[[Any], bool],
) -> Any | None:
    """The figures under ``key`` (which names the final releases read), None while a worker
    computes them, or :data:`FAILED`.

    On a miss, ``read()`` gathers the inputs in the request (database work); ``compute``
    turns them into figures, in the request unless ``slow(inputs)``. An answer erased from a
    wave released in full makes every key new (:func:`~survey.final_answers.erasure_stamp`).
    """
    key = (key, erasure_stamp(db.session))
    cache = score_cache()
    found = cache.get(key)
    if found is not None:
        return found
    jobs: _Jobs = current_app.extensions.setdefault("quality_jobs", _Jobs())
    with jobs.lock:
        future = jobs.running.get(key)
    if future is None:
        inputs = read()
        if not slow(inputs):
            return _compute_into(cache, key, compute, inputs)
        with jobs.lock:
            future = jobs.running.get(key)
            if future is None:
                future = jobs.pool.submit(_compute_into, cache, key, compute, inputs)
                jobs.running[key] = future
    if not future.done():
        return None
    with jobs.lock:
        jobs.running.pop(key, None)
    return future.result()


def _compute_into(cache, key: Hashable, compute: Callable[[Any], Any], inputs: Any) -> Any:
    try:
        figures = compute(inputs)
    except Exception:  # kept as FAILED: computed again only for other releases
        logger.exception("instrument quality figures %r could not be computed", key)
        figures = FAILED
    cache.put(key, figures)
    return figures
