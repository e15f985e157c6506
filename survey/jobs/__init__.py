"""Background jobs: a queue on Redis through Dramatiq, or threads of the app process without it.

Work that can take more than a second (mailings, releases, reports) is a ``job`` row first
(:mod:`survey.models.job`), then a message carrying only that row's id:

- :mod:`survey.jobs.registry`: each area names its kinds of job and the function that does one;
- :mod:`survey.jobs.runner`: asking for a job (once per key), claiming it, its progress, and how
  it ends (done, or failed with a reason the consultant reads beside a retry button);
- :mod:`survey.jobs.queue`: where the message goes: with ``SURVEY_REDIS_URL``, to Dramatiq on
  Redis, where any worker started with ``dramatiq survey.jobs.worker:setup`` takes it; without,
  to a thread of the app process (or, in tests, straight to the runner), the same code path.

A worker that dies mid-job leaves the job ``running`` with a heartbeat that stops moving; the
scheduler (``survey.campaigns.scheduler``) sends it again once its lease has run out, and the
job's own function resumes where it stopped (a mailing never sends a mail twice).
"""
