"""Pulse's store: SQLModel tables, Alembic migrations and the service functions every caller uses."""
