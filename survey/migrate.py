"""Schema changes through Alembic: ``init-db`` upgrades a database to the newest revision."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

import survey.models  # noqa: F401  (registers every table on the metadata)
from survey.db import Base

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` in one connection (the app's own engine settings).

    A database whose tables were made directly from the models (``create_all``, as the tests
    do) and match them exactly is adopted: marked as being at the newest revision.
    """
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        if _made_from_models(connection):
            command.stamp(config, "head")
        else:
            command.upgrade(config, revision)


def _made_from_models(connection: Connection) -> bool:
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables or not tables & set(Base.metadata.tables):
        return False
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    differences = compare_metadata(context, Base.metadata)
    if differences:
        raise RuntimeError(
            "This database has tables but no migration history, and they differ from the "
            f"models ({len(differences)} differences); back it up and migrate it by hand."
        )
    return True


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a migration from the difference between the models and this database."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
