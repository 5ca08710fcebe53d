"""benchmarks/statements.py, the "SQL" column of `kam bench all`: the real bot in-process counts the
statements each request runs, sends every request once (a /kam log note is written once, not again
for the warm-up) and keeps the answers that are not the expected one."""

from sqlalchemy import func, select

from benchmarks import commands, statements
from kam_core.db import make_engine, make_sessionmaker
from kam_core.interactions.models import Interaction


def test_each_request_is_sent_once_and_only_those_after_the_warmup_are_counted(database_url):
    cast, _, _ = commands.prepare(database_url, commands.SCALES["small"])
    logs = [commands.request_for("log", cast, n) for n in range(5)]
    cards = [commands.request_for("opps", cast, n) for n in range(5)]

    counted = statements.count(database_url, {"log": logs, "opps": cards}, warmup=2, check=commands.problem)

    assert [(figure.name, len(figure.counts), figure.errors) for figure in counted] == [("log", 3, []), ("opps", 3, [])]
    assert all(count > 0 for figure in counted for count in figure.counts)
    assert counted[0].most >= counted[0].median > 0
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            notes = session.execute(select(Interaction.text, func.count()).where(
                Interaction.text.like(f"{commands.NOTE_PREFIX} %")).group_by(Interaction.text)).all()
    finally:
        engine.dispose()
    assert sorted(text for text, _ in notes) == sorted(typed.split(": ", 1)[1] for _, typed in logs)
    assert {times for _, times in notes} == {1}


def test_an_answer_not_the_expected_one_is_kept_as_an_error_and_not_counted(database_url):
    cast, _, _ = commands.prepare(database_url, commands.SCALES["small"])
    saved = commands.request_for("log", cast, 0)
    nowhere = (saved[0], "log Zzyzx Nowhere Holdings: bench note x")

    counted = statements.count(database_url, {"log": [saved, nowhere]}, warmup=0, check=commands.problem)

    assert len(counted[0].counts) == 1  # the saved note's
    assert len(counted[0].errors) == 1 and counted[0].errors[0].startswith("log: not saved")
