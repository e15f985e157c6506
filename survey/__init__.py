"""Mindset Survey: the Flask application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from survey import (
    auth,
    cli,
    config,
    errors,
    i18n,
    instruments,
    request_log,
    security,
    static_assets,
)
from survey.db import db
from survey.jobs import queue as jobs_queue
from survey.params import AsciiIntegerConverter

csrf = CSRFProtect()


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from defaults, the environment and, in tests, ``test_config``.

    Only reads: the one file it may write is ``instance/secret-key``, when no key is given
    outside production. The chart bundle is written by ``flask build-assets``.
    """
    app = Flask(
        __name__,
        template_folder=str(config.PROJECT_ROOT / "templates"),
        instance_path=str(config.PROJECT_ROOT / "instance"),
    )
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_mapping(config.from_environment())
    if test_config:
        app.config.from_mapping(test_config)
    config.ensure_secret_key(app.config, Path(app.instance_path))
    config.check_production(app.config)
    config.choose_rate_limit_storage(app.config)
    proxy_hops = config.proxy_hops(app.config["PROXY_HOPS"])
    # Before any route is added: <int:...> takes ASCII digits only (see survey/params.py).
    app.url_map.converters["int"] = AsciiIntegerConverter

    request_log.init_app(app)  # first, so that its timer starts before any other hook
    db.init_app(app)
    csrf.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    instruments.init_app(app)
    static_assets.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    jobs_queue.init_app(app)

    from survey.api import bp as api_bp
    from survey.auth import bp as auth_bp
    from survey.campaigns import bp as campaigns_bp
    from survey.clients import bp as clients_bp
    from survey.dashboard import bp as dashboard_bp
    from survey.main import bp as main_bp
    from survey.plans import bp as plans_bp
    from survey.quality import bp as quality_bp
    from survey.rep import bp as rep_bp
    from survey.reports import bp as reports_bp
    from survey.rights import bp as rights_bp
    from survey.sso import bp as sso_bp
    from survey.users import bp as users_bp
    from survey.words import bp as words_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(campaigns_bp)
    app.register_blueprint(clients_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(quality_bp)
    app.register_blueprint(rep_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(rights_bp)
    app.register_blueprint(sso_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(words_bp)
    if proxy_hops:
        # The client's address and scheme as the proxies saw them; never their Host, port or
        # prefix: links are built from PUBLIC_URL.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxy_hops, x_proto=proxy_hops, x_host=0, x_port=0, x_prefix=0
        )
    return app
