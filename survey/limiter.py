"""The app's one Flask-Limiter; each area declares its own limits with it.

The counts live in ``RATELIMIT_STORAGE_URI`` (:func:`survey.config.choose_rate_limit_storage`):
Redis shares them between processes and machines. When the store does not answer, the limits
count in the process's own memory until it answers again (``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``);
:func:`hit` does the same for a count taken outside a decorated view.
"""

import functools
import logging

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

# A moving window: no burst of twice the limit around the edge of a fixed window.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window")
logger = logging.getLogger(__name__)


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
