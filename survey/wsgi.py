"""The WSGI entry point for production servers: ``gunicorn 'survey.wsgi:app'``."""

from survey import create_app

app = create_app()
