"""The home page, which explains the app, and the health check."""

from flask import current_app, jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from survey.db import db
from survey.main import bp


@bp.get("/")
def home():
    return render_template("main/home.html")


@bp.get("/health")
def health():
    """For load balancers and monitoring: 200 when the database answers, else 503."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("Health check: the database does not answer")
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
