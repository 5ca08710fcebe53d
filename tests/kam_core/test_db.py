from sqlalchemy import func, select

from kam_core.db import make_engine, make_sessionmaker
from kam_core.people.models import Person


def test_a_rolled_back_savepoint_keeps_the_outer_work_and_the_outer_rollback_undoes_all(database_url):
    sessions = make_sessionmaker(make_engine(database_url))
    with sessions() as session:
        session.add(Person(name="Outer", email="outer@example.com"))
        nested = session.begin_nested()
        session.add(Person(name="Inner", email="inner@example.com"))
        session.flush()
        nested.rollback()
        assert session.scalar(select(func.count()).select_from(Person)) == 1
        session.rollback()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
