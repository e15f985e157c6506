"""The app's one Flask-Limiter; each area declares its own limits with it.

The counts live in ``RATELIMIT_STORAGE_URI`` (:func:`survey.config.choose_rate_limit_storage`):
Redis shares them between processes and machines. When the store does not answer, the limits
count in the process's own memory until it answers again (``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``);
:func:`hit` does the same for a count taken outside a decorated view.
"""

import functools
import logging

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

# A moving window: no burst of twice the limit around the edge of a fixed window.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window")
logger = logging.getLogger(__name__)


WHOLE_APP_LIMITS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")
"""Limits on every route, which only Flask-Limiter's check before each request applies."""


def init_app(app: Flask) -> None:
    """Install the limiter; without its check before each request unless a whole-app limit is set.

    Every limit of this app decorates its view (or is counted by :func:`hit`), and such a limit
    checks itself when its view runs: Flask-Limiter's check before every request only applies
    default, application, blueprint and meta limits, of which the app sets none. Each request (a
    rep's page above all) is spared that work. The hooks after the request stay: they count the
    conditional hits (``deduct_when``) and reset the limiter's state.
    """
    limiter.init_app(app)
    if not any(app.config.get(setting) for setting in WHOLE_APP_LIMITS):
        app.before_request_funcs[None].remove(limiter._check_request_limit)


@functools.cache
def _in_memory() -> MovingWindowRateLimiter:
    """This process's own counts, for when the shared store does not answer."""
    return MovingWindowRateLimiter(MemoryStorage())


def hit(limit: RateLimitItem, *identifiers: str) -> bool:
    """Count one hit of ``limit`` for ``identifiers``; False once the limit is exceeded.

    For counts taken in a view rather than by a decorator: Flask-Limiter falls back to memory
    only for its decorated limits, so when the store fails here, this process's memory counts.
    """
    try:
        return limiter.limiter.hit(limit, *identifiers)
    except Exception:  # whatever the store raises (redis, socket), as Flask-Limiter catches it
        logger.warning("Rate limit storage unreachable: counting %s in this process", limit)
        return _in_memory().hit(limit, *identifiers)
