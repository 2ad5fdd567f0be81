"""Alembic migrations, shipped inside the package; run them through `embudo.store.schema`."""
