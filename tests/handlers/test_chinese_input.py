"""A Chinese-speaking rep types the way they write (issue #16): full-width punctuation, 下一步：, Chinese verbs,
Chinese dates, impossible days; through the real bot and the emulator's fake Slack."""

from datetime import date, timedelta

import pytest
from kam_core.db import transaction
from kam_core.enums import InteractionKind
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.people.models import Person
from templates import day, i18n
from tests.factories import make_account
from tests.handlers.conftest import MANAGER, REP
from tests.handlers.test_commands import ack_of, blocks_text
from tests.handlers.test_digest import preference
from tests.handlers.test_log_modal import today_of
from tests.handlers.test_notes import follow_ups, interactions, text_of
from tests.handlers.test_shortcuts_and_dm import dm_reply
from tests.reliability.helpers import count
from tests.reliability.test_bad_values import kept_note

NOTE = "与采购总监开会，下一步：下周五前发送报价"


@pytest.fixture
def byd(local, world):
    """比亚迪, the rep's account, beside the English world."""
    with transaction(local.runtime.sessions) as session:
        account = make_account(session, name="比亚迪", owner=session.get(Person, world["rep_id"]))
        return account.id


def speaks_chinese(local, person_id: int) -> None:
    with transaction(local.runtime.sessions) as session:
        session.get(Person, person_id).language = "zh"


def friday_next_week(local, world) -> date:
    today = today_of(local, world["rep_id"])
    return today - timedelta(days=today.weekday()) + timedelta(days=7 + 4)


def in_chinese(d: date) -> str:
    with i18n.use("zh"):
        return day(d, "%a %-d %b %Y")


# ---- the examples -------------------------------------------------------------------------

def test_the_dm_with_full_width_punctuation_gives_the_save_preview_with_the_date_in_words(
        driver, slack, local, world, byd):
    before = slack.mark()
    driver.message_im(REP, f"比亚迪：{NOTE}")
    text = text_of(dm_reply(slack, before).params["blocks"])
    assert "比亚迪" in text and NOTE in text and "发送报价" in text
    assert f"{friday_next_week(local, world):%a %-d %b %Y}" in text  # the day understood, in words
    assert interactions(local) == []  # nothing is saved before the tap


def test_a_chinese_reps_preview_shows_the_date_in_chinese(driver, slack, local, world, byd):
    speaks_chinese(local, world["rep_id"])
    before = slack.mark()
    driver.message_im(REP, f"比亚迪：{NOTE}")
    assert in_chinese(friday_next_week(local, world)) in text_of(dm_reply(slack, before).params["blocks"])


def test_kam_log_with_a_full_width_colon_and_xia_yi_bu_saves_the_note_and_its_follow_up(driver, local, world, byd):
    reply = ack_of(driver.slash_command(REP, f"log 比亚迪：{NOTE}"))
    text = text_of(reply["blocks"])
    assert "*比亚迪*" in text and f"{friday_next_week(local, world):%a %-d %b %Y}" in text
    [saved] = interactions(local)
    assert (saved.account_id, saved.text, saved.next_step) == (byd, NOTE, "发送报价")  # the note as typed
    assert [(f.title, f.due_on) for f in follow_ups(local)] == [("发送报价", friday_next_week(local, world))]


def test_the_saved_message_tells_a_chinese_rep_the_follow_up_day_in_chinese(driver, local, world, byd):
    speaks_chinese(local, world["rep_id"])
    text = text_of(ack_of(driver.slash_command(REP, f"记录 比亚迪：{NOTE}"))["blocks"])
    assert in_chinese(friday_next_week(local, world)) in text


def test_an_english_next_after_a_full_width_colon_keeps_the_whole_note(driver, local, world, byd):
    ack_of(driver.slash_command(REP, "log 比亚迪：与采购总监开会，next: send the quote by Friday"))
    [saved] = interactions(local)
    assert (saved.account_id, saved.text, saved.next_step) == (
        byd, "与采购总监开会，next: send the quote by Friday", "send the quote")


@pytest.mark.parametrize("marker", ["下次", "跟进", "待办"])
def test_each_chinese_marker_makes_a_next_step(driver, local, world, byd, marker):
    ack_of(driver.slash_command(REP, f"log 比亚迪：开会顺利，{marker}：明天回电话"))
    today = today_of(local, world["rep_id"])
    assert [(f.title, f.due_on) for f in follow_ups(local)] == [("回电话", today + timedelta(days=1))]


def test_the_digest_day_in_chinese(driver, local, world):
    done = ack_of(driver.slash_command(MANAGER, "digest day 周五"))["text"]
    assert "Friday" in done and preference(local, world).weekday == 5
    ack_of(driver.slash_command(MANAGER, "周报 星期二 下午5点"))
    assert (preference(local, world).weekday, preference(local, world).hour) == (2, 17)
    ack_of(driver.slash_command(MANAGER, "周报 周四9点"))
    assert (preference(local, world).weekday, preference(local, world).hour) == (4, 9)
    ack_of(driver.slash_command(MANAGER, "周报 关闭"))
    assert preference(local, world).enabled is False
    assert "周八" in ack_of(driver.slash_command(MANAGER, "周报 周八"))["text"]  # told it is not a weekday


# ---- Chinese verbs ------------------------------------------------------------------------------

def test_chinese_verbs_do_what_the_english_ones_do(driver, slack, local, world, byd):
    for chinese, english in (("商机 比亚迪", "opps 比亚迪"), ("历史 比亚迪", "history 比亚迪"),
                             ("查找 比亚", "find 比亚"), ("搜索 比亚", "find 比亚"), ("我的", "mine"),
                             ("帮助", "help"), ("计划 比亚迪", "plan 比亚迪")):
        assert blocks_text(ack_of(driver.slash_command(REP, chinese))["blocks"]) == blocks_text(
            ack_of(driver.slash_command(REP, english))["blocks"]), chinese
    assert ack_of(driver.slash_command(MANAGER, "团队"))["blocks"] == ack_of(
        driver.slash_command(MANAGER, "team"))["blocks"]


def test_tier_with_the_seeds_tier_words(driver, world, byd):
    done = ack_of(driver.slash_command(MANAGER, "层级 比亚迪 关键客户 战略客户，进入新市场"))
    assert "比亚迪* is now tiered *key*" in done["text"] and "战略客户，进入新市场" in done["text"]


def test_new_deal_in_chinese_opens_the_new_deal_form(driver, slack, world, byd):
    before = slack.mark()
    assert not driver.slash_command(REP, "新商机 比亚迪").body
    view = slack.wait_for("views.open", after=before).params["view"]
    assert "比亚迪" in str(view)


@pytest.mark.parametrize(("word", "kind"), [("电话", InteractionKind.call), ("会议", InteractionKind.meeting),
                                            ("拜访", InteractionKind.visit), ("邮件", InteractionKind.email),
                                            ("投诉", InteractionKind.complaint)])
def test_chinese_log_kinds(driver, local, world, byd, word, kind):
    ack_of(driver.slash_command(REP, f"记录 {word}　比亚迪：讨论了交付时间"))  # a full-width space too
    [saved] = interactions(local)
    assert (saved.account_id, saved.kind) == (byd, kind)


def test_full_width_letters_and_space_in_the_verb(driver, local, world, byd):
    ack_of(driver.slash_command(REP, "ｌｏｇ　比亚迪：开会"))
    assert [i.text for i in interactions(local)] == ["开会"]


# ---- impossible dates and notes never lost -------------------------------------------------------------

@pytest.mark.parametrize("when", ["2月31日", "4月31日"])
def test_an_impossible_date_is_told_as_impossible_and_the_note_comes_back(driver, local, world, byd, when):
    typed = f"开会，下一步：{when}前发送报价"
    reply = ack_of(driver.slash_command(REP, f"log 比亚迪：{typed}"))
    assert f"“{when}” is not a day on the calendar" in reply["text"]
    assert "did not understand" not in reply["text"] and "no date" not in reply["text"]
    assert kept_note(reply["blocks"]) == typed
    assert count(local, Interaction) == 0


def test_an_impossible_numeric_date_for_a_day_first_locale(driver, local, world):
    reply = ack_of(driver.slash_command(REP, "log acme corp: met the buyer, next: send the quote by 31/02"))
    assert "“31/02” is not a day on the calendar" in reply["text"]
    assert kept_note(reply["blocks"]) == "met the buyer, next: send the quote by 31/02"
    assert count(local, Interaction) == 0


def test_an_impossible_date_in_a_dm_is_told_and_the_dm_given_back(driver, slack, local, world, byd):
    before = slack.mark()
    driver.message_im(REP, "比亚迪：开会，下一步：2月31日前发送报价")
    blocks = dm_reply(slack, before).params["blocks"]
    assert "2月31日" in text_of(blocks) and kept_note(blocks) == "比亚迪：开会，下一步：2月31日前发送报价"
    assert count(local, Interaction) == 0


def test_a_note_without_an_account_asks_which_and_gives_the_whole_note_back(driver, local, world):
    reply = ack_of(driver.slash_command(REP, f"log {NOTE}"))
    assert "Which account?" in reply["text"]
    assert kept_note(reply["blocks"]) == NOTE
    assert count(local, Interaction) == 0


def test_an_unknown_account_gives_the_note_back(driver, local, world):
    reply = ack_of(driver.slash_command(REP, f"log 不存在的公司：{NOTE}"))
    assert "不存在的公司" in reply["text"] and kept_note(reply["blocks"]) == NOTE
    assert count(local, Interaction) == 0


def test_a_date_not_understood_saves_the_note_and_says_so(driver, local, world, byd):
    text = text_of(ack_of(driver.slash_command(REP, "log 比亚迪：开会，下一步：改天发送报价"))["blocks"])
    assert count(local, Interaction) == 1 and count(local, FollowUp) == 0
    assert "改天发送报价" in text  # the step, saved, with no follow-up



def test_reminder_settings_in_chinese(driver, world):
    off = blocks_text(ack_of(driver.slash_command(REP, "提醒 关 关怀"))["blocks"])
    assert "Care touches: off" in off
    moved = blocks_text(ack_of(driver.slash_command(REP, "提醒 跟进 早上7点"))["blocks"])
    assert "Morning follow-ups: on, from 07:00" in moved
