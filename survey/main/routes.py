"""The home page, which explains the app, and the health check."""

from flask import current_app, jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from survey.config import REDIS_TIMEOUTS
from survey.db import db
from survey.main import bp


@bp.get("/")
def home():
    return render_template("main/home.html")


@bp.get("/health")
def health():
    """For load balancers and monitoring: 200 when the database answers, else 503.

    With Redis configured, a Redis that does not answer makes the status ``degraded`` but keeps
    200: every server shares it, so a 503 would take them all out of the load balancer at once,
    while they still serve (rate limits count in memory, jobs wait in the database).
    """
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("Health check: the database does not answer")
        return jsonify(status="unavailable", database="unreachable"), 503
    url = current_app.config.get("REDIS_URL")
    if not url:
        return jsonify(status="ok", database="ok")
    import redis  # imported here: only with Redis, see README 'Workers'

    try:
        redis.Redis.from_url(url, **REDIS_TIMEOUTS).ping()
    except redis.RedisError:
        current_app.logger.warning("Health check: Redis does not answer")
        return jsonify(status="degraded", database="ok", redis="unreachable")
    return jsonify(status="ok", database="ok", redis="ok")
