from sqlalchemy import inspect, select

from kam_core.opportunities.models import Stage
from kam_core.schema import current_revision, head_revision


def test_migrations_create_every_table_and_the_default_pipeline(engine):
    from kam_core.models import Base

    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    assert current_revision(engine) == head_revision()


def test_the_default_pipeline_is_seeded(session):
    stages = session.scalars(select(Stage).order_by(Stage.position)).all()
    assert stages[0].name == "Prospecting"
    assert [s.name for s in stages if not s.is_open] == ["Closed Won", "Closed Lost"]


def test_the_migrations_match_the_models(engine):
    """A model change without its migration would make production differ from the tests."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kam_core.models import Base

    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
