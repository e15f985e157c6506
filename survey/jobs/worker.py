"""The entry point of Dramatiq's workers: ``dramatiq survey.jobs.worker:setup``.

Dramatiq calls :func:`setup` in each worker process: it builds the app from the environment
(``SURVEY_REDIS_URL`` must be set) and makes the app's broker Dramatiq's, so the process serves
the queue of the app's one actor, which runs jobs by id (``survey.jobs.runner``).
"""

import dramatiq

from survey import create_app


def setup() -> None:
    """Build the app and hand its broker to Dramatiq; refuse to start without Redis."""
    broker = create_app().extensions["jobs"].broker
    if broker is None:
        raise SystemExit("SURVEY_REDIS_URL is not set: without Redis, jobs run in the app process.")
    dramatiq.set_broker(broker)
