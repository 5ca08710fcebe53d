"""The CLI in Chinese: what `kam` prints is in KAM_DEFAULT_LANGUAGE; a digest is in its manager's language and
a reminder in its rep's, whoever runs the command and whatever the default."""

import re
from datetime import UTC, date, datetime

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.emulator import FakeSlack
from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.enums import Role, Tier
from templates import i18n
from tests.factories import make_account, make_follow_up, make_person

SMALL = ["--accounts", "60", "--interactions", "300", "--opportunities", "90", "--reps", "4", "--managers", "2"]
NOW = "2030-01-16T09:30"  # a Wednesday: Rita's and Zhang's follow-ups of the 15th are overdue
WEEK = "2025-W47"  # a week that has ended: its digest can go out
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def english_after():
    """`kam` sets the language of the thread it runs on; the next test starts in English."""
    yield
    i18n.set_language("en")


def kam(*args, language="en", **env):
    return CliRunner().invoke(app, list(args), env={"KAM_DEFAULT_LANGUAGE": language, "SLACK_BOT_TOKEN": "", **env})


@pytest.fixture
def team(database_url):
    """Li Na manages in Chinese; Zhang (Chinese) and Rita (English) each owe a morning DM; Ning has no
    language of her own (the default's)."""
    engine = make_engine(database_url)
    with transaction(make_sessionmaker(engine)) as session:
        li = make_person(session, role=Role.manager, name="Li Na", email="li@acme.test", slack_user_id="U0LI",
                         timezone="UTC", language="zh")
        make_person(session, role=Role.manager, name="Mia", email="mia@acme.test", slack_user_id="U0MIA",
                    timezone="UTC", language="en")
        for uid, name, language in (("U0ZHANG", "Zhang", "zh"), ("U0RITA", "Rita", "en"), ("U0NING", "Ning", None)):
            rep = make_person(session, name=name, email=f"{name.lower()}@acme.test", slack_user_id=uid, manager=li,
                              timezone="UTC", language=language)
            account = make_account(session, owner=rep, name=f"{name} Key", computed_tier=Tier.key)
            make_follow_up(session, account=account, due_on=date(2030, 1, 15), title=f"Quote for {name}",
                           created_at=datetime(2020, 1, 1, tzinfo=UTC))
    engine.dispose()
    return database_url


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        for uid, email in (("U0LI", "li"), ("U0MIA", "mia"), ("U0ZHANG", "zhang"), ("U0RITA", "rita"),
                           ("U0NING", "ning")):
            fake.add_user(uid, email=f"{email}@acme.test", tz="UTC")
        yield fake


def dm_texts(slack, *uids) -> dict[str, str]:
    return {uid: " ".join(m["text"] for m in slack.messages_in(slack.dm_channel_for(uid))) for uid in uids}


def test_kam_demo_reports_in_chinese_when_that_is_the_default(database_url):
    made = kam("demo", *SMALL, "--database", database_url, language="zh")
    assert made.exit_code == 0, made.output
    out = made.output
    assert f"演示数据已写入 {database_url}（种子 7，日期以" in out
    assert re.search(r"客户价值金字塔：关键客户 \d+ · 重要客户 \d+ · 一般客户 \d+", out)
    assert "演示用户（本地 Slack 模拟器以他们的身份操作）" in out and "特意埋下、可供发现的情况" in out
    assert "kam chat --user rep@demo.kam.test      然后输入 /kam mine" in out
    assert "Demo data written" not in out and "Rows written" not in out

    again = kam("demo", "--if-empty", "--database", database_url, language="zh")
    assert again.exit_code == 0, again.output
    assert "中已有数据，因此 `kam demo --if-empty` 未作任何改动。" in again.output
    assert "之后没有任何改动。" in again.output and "刷新演示数据（日期移到今天）：kam demo" in again.output


def test_a_bad_demo_size_is_told_in_chinese():
    result = kam("demo", "--accounts", "0", language="zh")
    assert result.exit_code == 1
    assert result.output.strip() == ("--accounts：应大于或等于 1。规模须为整数：--accounts 为 1 到 1,000,000，"
                                     "--reps 和 --managers 至少为 1。")


def test_the_digest_preview_is_in_its_managers_language_and_its_heading_in_the_console_s(team):
    zh = kam("digest", "preview", "--manager", "li@acme.test", "--week", WEEK, "--database", team)
    assert zh.exit_code == 0, zh.output
    heading, _, digest = zh.output.partition("\n")
    assert heading.startswith(f"Digest of Li Na <li@acme.test> for {WEEK}, sent by DM on Mondays at")
    assert CHINESE.search(digest) and "Weekly digest" not in digest

    en = kam("digest", "preview", "--manager", "mia@acme.test", "--week", WEEK, "--database", team, language="zh")
    assert en.exit_code == 0, en.output
    heading, _, digest = en.output.partition("\n")
    assert heading == f"Mia <mia@acme.test> 的 {WEEK} 周报，每周一 08:00（UTC）通过私信发送："
    assert f"Weekly digest · {WEEK}" in digest


def test_each_digest_goes_out_in_its_managers_language(team, slack):
    sent = kam("digest", "send", "--week", WEEK, "--database", team, KAM_SLACK_API_URL=slack.api_url,
               SLACK_BOT_TOKEN=slack.bot_token)
    assert sent.exit_code == 0, sent.output
    assert "2 sent." in sent.output
    [li] = slack.messages_in(slack.dm_channel_for("U0LI"))
    [mia] = slack.messages_in(slack.dm_channel_for("U0MIA"))
    assert CHINESE.search(li["text"]) and CHINESE.search(li["blocks"][0]["text"]["text"])
    assert "Weekly digest" not in li["blocks"][0]["text"]["text"]
    assert mia["blocks"][0]["text"]["text"] == f"Weekly digest · {WEEK}" and not CHINESE.search(mia["text"])


def test_remind_dry_run_reports_in_the_console_s_language(team):
    dry = kam("remind", "send", "--dry-run", "--now", NOW, "--kind", "followups", "--database", team, language="zh")
    assert dry.exit_code == 0, dry.output
    assert "试运行（2030-01-16 09:30 UTC）：未发送任何提醒。现在到期的有：" in dry.output
    for who in ("zhang", "rita", "ning"):
        assert f"followups → {who}@acme.test (2030-01-16)" in dry.output


@pytest.mark.parametrize("default", ["en", "zh"])
def test_each_reminder_goes_out_in_its_reps_language_and_the_rest_in_the_default(team, slack, default):
    sent = kam("remind", "send", "--now", NOW, "--kind", "followups", "--database", team, language=default,
               KAM_SLACK_API_URL=slack.api_url, SLACK_BOT_TOKEN=slack.bot_token)
    assert sent.exit_code == 0, sent.output
    assert ("早间跟进提醒" if default == "zh" else "morning follow-ups") in sent.output
    texts = dm_texts(slack, "U0ZHANG", "U0RITA", "U0NING")
    assert texts["U0RITA"].startswith("⏰ 1 follow-up for today (1 overdue)")
    assert CHINESE.search(texts["U0ZHANG"]) and "follow-up" not in texts["U0ZHANG"]
    assert bool(CHINESE.search(texts["U0NING"])) == (default == "zh")  # no language of her own: the default's
