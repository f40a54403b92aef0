"""Alembic environment: runs migrations on the application's engine (or one handed in)."""

from alembic import context
from sqlmodel import SQLModel

import data_access.core.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from data_access.core.db import allow_long_statements, get_engine

config = context.config
engine = config.attributes.get("engine") or get_engine()

with engine.begin() as connection:
    allow_long_statements(connection)
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
