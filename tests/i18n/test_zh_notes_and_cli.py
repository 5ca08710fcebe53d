"""A Chinese-speaking rep logs a note, opens the log form and reads an account's history in Chinese; the CLI
speaks the language of the person it acts as (`--as EMAIL`, else KAM_DEFAULT_LANGUAGE), and `kam chat`
prompts in the chatting person's language, following `/kam lang` as they switch."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from handlers.ids import BlockId
from kam_core.accounts.models import Account
from kam_core.actors import Actor
from kam_core.clock import utcnow
from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.enums import InteractionKind, Role
from kam_core.people.models import Person
from kam_core.policy import Policy
from kam_core.tiers.service import recompute_tiers
from templates import i18n
from tests.factories import make_account, make_follow_up, make_interaction, make_person, make_value
from tests.handlers.conftest import REP, driver, local, slack, world  # noqa: F401 - the emulator's fixtures
from tests.handlers.test_commands import ack_of
from tests.handlers.test_mine import blocks_text

NOW = utcnow()
ZH_DAY = r"\d{4}年\d{1,2}月\d{1,2}日（周[一二三四五六日]）"  # 2026年3月5日（周四）


@pytest.fixture(autouse=True)
def english_after():
    """A CLI command sets the language of the test's own thread (as it does a process's): put it back."""
    yield
    i18n.set_language(None)


@pytest.fixture
def zh_rep(local, world):
    """The world's rep, Ray, reads the bot in Chinese."""
    with transaction(local.runtime.sessions) as session:
        session.get(Person, world["rep_id"]).language = "zh"
    return world


# ---- Slack, through the emulator ---------------------------------------------------------------

def test_a_zh_reps_quick_log_is_confirmed_in_chinese_with_the_due_day_in_chinese(driver, zh_rep):
    reply = ack_of(driver.slash_command(REP, "log acme corp: Met the CFO, next: send quote in 3 days"))
    text = blocks_text(reply["blocks"])
    assert "已记录备注，保存到 *Acme Corporation*。" in text
    assert re.search(f"跟进“send quote”，截止 \\*{ZH_DAY}\\*。", text), text
    assert "撤销" in text and "logged" not in text


def test_a_next_step_without_a_date_is_explained_in_chinese(driver, zh_rep):
    reply = ack_of(driver.slash_command(REP, "log acme corp: good call, next: send quote"))
    text = blocks_text(reply["blocks"])
    assert "已保存下一步：“send quote”，但没有写日期，所以没有创建跟进。" in text
    assert "`下一步：周五前发送报价`" in text


def test_the_log_form_is_in_chinese_for_a_zh_rep(driver, slack, zh_rep):
    driver.slash_command(REP, "log")
    view = slack.wait_for("views.open").response["view"]
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == ("记录客户互动", "保存", "取消")
    labels = {b["block_id"]: b["label"]["text"] for b in view["blocks"] if b["type"] == "input"}
    assert labels[BlockId.account] == "客户" and labels[BlockId.kind] == "类型" and labels[BlockId.notes] == "沟通内容"
    kind = next(b for b in view["blocks"] if b.get("block_id") == BlockId.kind)["element"]
    assert [o["text"]["text"] for o in kind["options"]] == ["电话", "会议", "拜访", "邮件", "备注", "投诉"]
    assert kind["initial_option"]["text"]["text"] == "备注"


def test_the_history_list_is_in_chinese(driver, local, zh_rep):
    with transaction(local.runtime.sessions) as session:
        acme = session.get(Account, zh_rep["acme_id"])
        visit = make_interaction(session, account=acme, occurred_at=NOW - timedelta(days=1),
                                 kind=InteractionKind.visit, text="Site visit, met ops")
        make_follow_up(session, account=acme, due_on=NOW.date() - timedelta(days=1), title="Book the demo",
                       interaction_id=visit.id)
        make_interaction(session, account=acme, occurred_at=NOW - timedelta(days=2), text="Checked in",
                         next_step="send the deck")
    reply = ack_of(driver.slash_command(REP, "history acme corp"))
    text = blocks_text(reply["blocks"])
    assert "*Acme Corporation 的历史记录*，最新的在前：" in text
    assert re.search(f"1\\. \\*{ZH_DAY}\\d\\d:\\d\\d\\* · 拜访 · ", text), text
    assert "跟进“Book the demo”，截止 " in text and "⚠️ 已逾期" in text
    assert "下一步：send the deck（无日期）" in text
    assert "查看" in text


# ---- the CLI -----------------------------------------------------------------------------------

@pytest.fixture
def zh_db(database_url):
    """A zh rep (张伟) and an en rep, each owning one account with a value, tiers ranked."""
    engine = make_engine(database_url)
    with transaction(make_sessionmaker(engine)) as session:
        zh = make_person(session, role=Role.rep, name="张伟", email="zhang@acme.test", slack_user_id="U0ZH",
                         language="zh")
        en = make_person(session, role=Role.rep, name="Ray Rep", email="ray@acme.test", slack_user_id="U0EN")
        make_value(session, account=make_account(session, name="Acme Corporation", owner=zh), revenue=900_000)
        make_value(session, account=make_account(session, name="Globex", owner=en), revenue=100_000)
        recompute_tiers(session, policy=Policy(), actor=Actor.system("test"))
    engine.dispose()
    return database_url


def kam(db, *args, input=None):
    return CliRunner().invoke(app, [*args, "--database", db], input=input)


def test_accounts_mine_and_show_as_a_zh_person_print_chinese(zh_db):
    mine = kam(zh_db, "accounts", "mine", "--as", "zhang@acme.test")
    assert mine.exit_code == 0, mine.output
    assert "你的客户，最需要关注的在前：" in mine.output and "Acme Corporation（关键客户）：" in mine.output
    assert "共 1 个" in mine.output
    shown = kam(zh_db, "accounts", "show", "Acme Corporation", "--as", "zhang@acme.test")
    assert shown.exit_code == 0, shown.output
    assert "关键客户" in shown.output and "排名第 1" in shown.output


def test_the_cli_speaks_english_by_default_and_as_an_english_person(zh_db):
    why = kam(zh_db, "accounts", "why", "Acme Corporation")
    assert "Ranked #1 of 2 by total value" in why.output
    mine = kam(zh_db, "accounts", "mine", "--as", "ray@acme.test")
    assert "Your accounts, most in need of attention first:" in mine.output


def test_kam_default_language_sets_the_cli_language_without_a_person(zh_db, monkeypatch):
    monkeypatch.setenv("KAM_DEFAULT_LANGUAGE", "zh")
    why = kam(zh_db, "accounts", "why", "Acme Corporation")
    assert why.exit_code == 0, why.output
    assert "按客户总价值在 2 个客户中排名第 1" in why.output
    bad = kam(zh_db, "accounts", "set-tier", "Acme Corporation", "top", "--reason", "x")
    assert bad.exit_code == 2 and "而不是“top”" in bad.output


def test_kam_chat_prompts_in_chinese_for_a_zh_user(zh_db):
    result = kam(zh_db, "chat", "--user", "zhang@acme.test", input="/kam log\nn\nquit\n")
    assert result.exit_code == 0, result.output
    assert "你现在是 张伟（销售代表，zhang@acme.test，Slack U0ZH）。" in result.output
    assert "┌ 记录客户互动（弹窗）" in result.output
    assert "有一个表单已打开。现在填写吗？[Y/n]" in result.output and "表单已关闭，其中的内容没有发送。" in result.output


def test_kam_lang_zh_in_kam_chat_switches_the_chats_own_prompts(zh_db):
    result = kam(zh_db, "chat", "--user", "ray@acme.test", input="/kam log\nn\n/kam lang zh\n/kam log\nn\nquit\n")
    assert result.exit_code == 0, result.output
    english, chinese = "A form is open. Fill it in now? [Y/n]", "有一个表单已打开。现在填写吗？[Y/n]"
    assert english in result.output and chinese in result.output
    assert result.output.index(english) < result.output.index(chinese)
    engine = make_engine(zh_db)
    with transaction(make_sessionmaker(engine)) as session:
        assert session.scalar(select(Person.language).where(Person.email == "ray@acme.test")) == "zh"
    engine.dispose()
