"""A Chinese-speaking rep and manager read the account card, /kam mine, /kam find, the App Home, the digest
preview and the reminder DM in Chinese, end to end through the emulator (Person.language = "zh"), while an
English speaker in the same workspace still reads English."""

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from bot.app import web_client
from bot.scheduler import send_reminders
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.delivery.service import set_preference
from kam_core.interactions.models import FollowUp
from kam_core.people.models import Person
from kam_core.reminders.schemas import Kind
from tests.handlers.conftest import MANAGER, REP, driver, local, slack, world  # noqa: F401 - the emulator's fixtures
from tests.handlers.test_commands import ack_of
from tests.handlers.test_digest import blocks_text, complaint_last_week
from tests.handlers.test_home import home_text, open_home
from tests.handlers.test_reminder_buttons import LONG_AGO, text_of

WEEKDAYS = "一二三四五六日"


def zh_day(day: date) -> str:
    """A date as the Chinese messages write it: 12月11日（周五）."""
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def speaks_chinese(local, *slack_user_ids: str) -> None:
    with transaction(local.runtime.sessions) as session:
        session.execute(update(Person).where(Person.slack_user_id.in_(slack_user_ids)).values(language="zh"))


def today() -> date:
    return utcnow().date()  # the seeded people keep the default UTC timezone


def follow_up(local, world, title: str, due_on: date) -> None:
    with transaction(local.runtime.sessions) as session:
        session.add(FollowUp(owner_id=world["rep_id"], account_id=world["acme_id"], title=title, due_on=due_on,
                             created_at=LONG_AGO))


def button_labels(blocks: list[dict]) -> list[str]:
    return [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_the_account_card_in_chinese(driver, local, world):
    speaks_chinese(local, REP)
    due = today() + timedelta(days=10)
    follow_up(local, world, "发送报价", due)
    reply = ack_of(driver.slash_command(REP, "acme corporation"))
    text = blocks_text(reply["blocks"])
    assert reply["text"] == "Acme Corporation：关键客户"
    assert "*关键客户* · " in text and "客户总价值：* 40万 USD" in text
    assert "*负责人：* <@U0REP>" in text and "*在途商机：* 0个商机" in text
    assert f"*下一次跟进：* 发送报价，{zh_day(due)} 到期" in text
    assert "*最近接触：* 从未接触——记录第一次吧。" in text
    assert button_labels(reply["blocks"])[:4] == ["📝 记录客户互动", "商机", "客户规划", "历史记录"]


def test_an_english_speaker_still_reads_english_beside_a_chinese_one(driver, local, world):
    speaks_chinese(local, REP)
    assert "Key account" in blocks_text(ack_of(driver.slash_command(MANAGER, "acme corporation"))["blocks"])
    assert "关键客户" in blocks_text(ack_of(driver.slash_command(REP, "acme corporation"))["blocks"])


def test_mine_in_chinese(driver, local, world):
    speaks_chinese(local, REP)
    follow_up(local, world, "回电话", today() - timedelta(days=3))
    reply = ack_of(driver.slash_command(REP, "mine"))
    text = blocks_text(reply["blocks"])
    assert reply["text"].startswith("你的客户：3 个中有")
    assert "*你的客户*，最需关注的在前：" in text
    assert "1. *Acme Corporation* · 关键客户 — 1 个跟进已逾期（逾期 3 天）" in text
    assert "一般客户" in text and "打开" in text


def test_find_in_chinese(driver, local, world):
    speaks_chinese(local, REP)
    reply = ack_of(driver.slash_command(REP, "find acme"))
    text = blocks_text(reply["blocks"])
    assert "*名称或别名含“acme”的客户：*" in text and "*Acme Corporation*" in text and "打开" in text
    missing = ack_of(driver.slash_command(REP, "find zzz"))
    assert "没有名称或别名含“zzz”的客户" in blocks_text(missing["blocks"])


def test_the_app_home_in_chinese(driver, slack, local, world):
    speaks_chinese(local, REP)
    follow_up(local, world, "回电话", today() - timedelta(days=2))
    text = home_text(open_home(driver, slack, REP))
    weekday = "星期" + WEEKDAYS[today().weekday()]
    assert "你好，Ray Rep" in text and f"{today().month}月{today().day}日 {weekday}" in text
    assert "🔑 你的关键客户（1）" in text and "*Acme Corporation* · 尚无客户规划 · 从未接触" in text
    assert f"*回电话* — Acme Corporation · 逾期 2 天，原定 {zh_day(today() - timedelta(days=2))}" in text
    assert "完成" in text and "推迟 1 天" in text


def test_the_digest_preview_in_chinese(driver, local, world):
    speaks_chinese(local, MANAGER)
    complaint_last_week(local, world, text="发票又错了")
    reply = ack_of(driver.slash_command(MANAGER, "digest"))
    text = blocks_text(reply["blocks"])
    assert reply["text"].startswith("你的 ") and "周报：赢单 0 个（0 USD）" in reply["text"]
    assert "Mia Manager 的团队：2 位人员，3 个客户" in text
    assert "*商机变动*" in text and "*记录的投诉：* 1" in text and "“发票又错了”——Ray Rep，" in text
    assert "你的周报每周一 08:00（UTC）以私信发送。" in text


@pytest.mark.parametrize("words, answer", [
    ("digest off", "好了：不再发送周报。"),
    ("digest day funday", "“funday”不是星期几。"),
])
def test_digest_answers_in_chinese(driver, local, world, words, answer):
    speaks_chinese(local, MANAGER)
    assert answer in ack_of(driver.slash_command(MANAGER, words))["text"]


def test_the_reminder_dm_in_chinese(driver, slack, local, world):
    speaks_chinese(local, REP)
    slack.add_user(REP, email="ray@acme.test", name="Ray Rep", tz="UTC")
    with transaction(local.runtime.sessions) as session:
        set_preference(session, person_id=world["rep_id"], kind="followups", hour=0)
    follow_up(local, world, "发送报价", today() - timedelta(days=2))
    follow_up(local, world, "致电财务总监", today())
    report = send_reminders(local.runtime, web_client(local.settings), now=utcnow(), worker="test",
                            kinds=(Kind.followups,))
    assert report.count("sent") == 1
    [message] = slack.messages_in(slack.dm_channel_for(REP))
    text = text_of(message)
    assert message["text"] == "⏰ 今天有 2 个跟进（1 个已逾期）"
    assert f"⏰ 你的跟进 · {today().month}月{today().day}日" in text
    assert f"*发送报价* — Acme Corporation · 逾期 2 天，原定 {zh_day(today() - timedelta(days=2))}" in text
    assert "*致电财务总监* — Acme Corporation · 今天到期" in text
    assert button_labels(message["blocks"]) == ["完成", "推迟 1 天", "打开客户"] * 2


def test_help_in_chinese_shows_the_chinese_verbs_beside_the_english(driver, local, world):
    speaks_chinese(local, REP)
    text = ack_of(driver.slash_command(REP, "help"))["text"]
    assert "*KAM 机器人*" in text
    for chinese, english in (("记录", "log"), ("商机", "opps"), ("计划", "plan"), ("我的", "mine"),
                             ("历史", "history"), ("团队", "team"), ("查找", "find"), ("层级", "tier"),
                             ("周报", "digest"), ("提醒", "remind"), ("语言", "lang")):
        assert f"`/kam {chinese}" in text and f"`{english}" in text, chinese


def test_reminder_settings_in_chinese(driver, local, world):
    speaks_chinese(local, REP)
    text = ack_of(driver.slash_command(REP, "remind"))["text"]
    assert "你的提醒（时间为你的当地时间）：" in text and "• 早间跟进：开启，" in text
