"""Alembic environment: the engine comes from the caller (monitor.store.migrate)."""

from __future__ import annotations

from alembic import context

from monitor.store.tables import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata)
    context.run_migrations()
