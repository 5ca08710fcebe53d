"""Schema migrations (alembic). `kam db upgrade` runs them; see kam_core.schema."""
