"""Run Alembic from code: ``sopbot db upgrade`` and the tests use these.

``script_location="bot:migrations"`` finds the scripts inside the installed
package, so no alembic.ini is needed at the repository root.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.persistence.db import make_engine, normalise_url

SCRIPT_LOCATION = "bot:migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config for ``url`` (``None``: the settings' DATABASE_URL)."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if url is not None:
        # attributes, not set_main_option: a password with '%' would break configparser.
        config.attributes["url"] = normalise_url(url)
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(url: str) -> str | None:
    """The revision the database is at; ``None`` for an empty database."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
