"""Alembic environment of the migration tests: the database URL comes from
ORCHC_TEST_DATABASE_URL; each revision runs in its own transaction."""
import os

from alembic import context
from sqlalchemy import create_engine, pool

engine = create_engine(os.environ["ORCHC_TEST_DATABASE_URL"], poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
