"""A Chinese-speaking rep's account plan and deals, end to end through the emulator: /kam plan, the plan's
modals, /kam opps, the move-stage and new-deal modals and their errors, all in Simplified Chinese."""

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from handlers.ids import ActionId, PlanField
from kam_core.db import transaction
from kam_core.enums import Lever
from kam_core.people.models import Person
from tests.handlers.conftest import MANAGER, REP, driver, local, slack, world  # noqa: F401 - fixtures
from tests.handlers.test_opportunities import add_deals, blocks_text, buttons, open_stage_modal, show_opps, stage_id
from tests.handlers.test_opportunity_editing import INPUT, option_value, options, press
from tests.handlers.test_plan_editing import TEXT, errors_of, inputs, labels, open_modal, show, submit
from tests.handlers.test_plans import NOW, TODAY, plan  # noqa: F401 - the fixture: Acme's plan, half-way through

WEEKDAYS = "一二三四五六日"


def zh_day(d: date, *, weekday: bool = False) -> str:
    """A day as a Chinese reader writes it: 2026年12月11日, or 2026年12月11日（周五）."""
    return f"{d.year}年{d.month}月{d.day}日" + (f"（周{WEEKDAYS[d.weekday()]}）" if weekday else "")


def deal_values(view: dict, **fields) -> dict:
    values = {"name": "Fleet renewal", "amount": "50k", "currency": "USD",
              "expected_close_date": (TODAY + timedelta(days=30)).isoformat(),
              "stage_id": option_value(view, "stage_id", "资格审查"), **fields}
    return {block: {INPUT: value} for block, value in values.items()}


@pytest.fixture
def chinese(local, world):
    """The rep and the manager read the bot in Chinese."""
    with transaction(local.runtime.sessions) as session:
        session.execute(update(Person).where(Person.slack_user_id.in_([REP, MANAGER])).values(language="zh"))
    return world


def test_the_plan_reads_in_chinese_with_its_health_objectives_actions_and_days(driver, chinese, plan):
    reply, _ = show(driver, REP, "plan acme corp")
    text = blocks_text(reply["blocks"])
    assert "关键客户规划 · Acme Corporation" in text
    assert "🟠 *计划状态：存在风险* · " in text
    assert f"{zh_day(TODAY - timedelta(days=180))} – {zh_day(TODAY + timedelta(days=180))}" in text
    assert "*重点：* Grow &lt;ops&gt; spend" in text and "*高层发起人：* Mia Manager" in text
    assert f"*上次评审：* {zh_day((NOW - timedelta(days=20)).date())}（" in text
    assert "Revenue 2026： *10万 USD / 100万 USD* （10.0%）" in text
    assert "*待办行动（3，1 项逾期）*" in text
    assert f"*Call the CFO*\nRay Rep · 截止 {zh_day(TODAY - timedelta(days=5), weekday=True)} · *已逾期 5 天*" in text
    assert f"*Run the QBR*\nMia Manager · 截止 {zh_day(TODAY + timedelta(days=7), weekday=True)} · 7 天后" in text
    assert {"✏️ 策略", "👥 人员", "📅 周期", "➕ 目标", "更新", "➕ 行动", "完成", "编辑", "历史记录"} <= set(
        labels(reply["blocks"]))
    assert not any(english in text for english in ("Plan at risk", "Open actions", "overdue", " due ", "Executive"))
    assert "关键客户规划 · 存在风险" in reply["text"]  # the notification


def test_a_plan_and_an_objective_are_made_through_chinese_modals(driver, slack, chinese):
    reply, shown = show(driver, REP, "plan acme corp")
    assert reply["text"].startswith("*Acme Corporation* 还没有关键客户规划。它是关键客户，应当有一份规划")
    assert labels(reply["blocks"]) == ["创建计划"]
    view = open_modal(driver, slack, REP, shown, "创建计划")
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == ("新建关键客户规划", "创建计划", "取消")
    assert [b["label"]["text"] for b in inputs(view).values()] == ["开始日期", "结束日期", "重点"]
    assert inputs(view)["period_end"]["hint"]["text"] == "关键客户规划通常覆盖一年，每季度评审一次。"

    redrawn = submit(driver, slack, REP, view, {PlanField.focus: {TEXT: "拿下华东区全面推广"}})
    text = blocks_text(redrawn.blocks)
    assert "✅ 计划已创建。" in text and "*重点：* 拿下华东区全面推广" in text and "*目标（0）*" in text

    view = open_modal(driver, slack, REP, redrawn, "➕ 目标")
    assert (view["title"]["text"], view["submit"]["text"]) == ("新建目标", "保存")
    fields = inputs(view)
    assert [f["label"]["text"] for f in fields.values()] == ["内容", "增长杠杆", "目标值", "单位", "当前实际值"]
    assert [o["text"]["text"] for o in fields["lever"]["element"]["options"]] == [
        "提高现有产品的使用率", "交叉销售其他产品", "提高价格/改善产品组合", "核心产业的新客户", "非相关产业的新客户", "客户维系"]
    redrawn = submit(driver, slack, REP, view, {
        PlanField.description: {TEXT: "新签门店"}, PlanField.lever: {TEXT: Lever.new_core.value},
        PlanField.target: {TEXT: "12"}, PlanField.unit: {TEXT: "家"}})
    text = blocks_text(redrawn.blocks)
    assert "✅ 目标已添加。" in text and "新签门店： *0 家 / 12 家* （0.0%）\n_核心产业的新客户_" in text

    history = next(b for b in buttons(redrawn.blocks) if b["text"]["text"] == "历史记录")
    mark = slack.mark()
    driver.block_action(REP, ActionId.show_plan_history, history["value"], message=redrawn)
    text = blocks_text(slack.wait_for("response_url", after=mark).params["blocks"])
    assert "计划历史 · Acme Corporation" in text and "评审与变更，最新的在前。" in text
    assert "🎯 新增目标 “新签门店”：目标值 12 家（核心产业的新客户）" in text
    assert f"🆕 创建计划，周期 {zh_day(TODAY)} – " in text


def test_a_problem_under_a_plan_input_is_in_chinese(driver, slack, chinese):
    mark = slack.mark()
    assert driver.slash_command(REP, "plan acme logistics new").status == 200
    view = slack.wait_for("views.open", after=mark).response["view"]
    reason = inputs(view)["reason"]
    assert reason["label"]["text"] == "为何为该客户制定计划" and "少数真正的关键客户" in reason["hint"]["text"]
    errors = errors_of(driver, REP, view, {PlanField.reason: {TEXT: "  "}})
    assert list(errors) == ["reason"]
    assert not any(word in errors["reason"] for word in ("plan", "account", "reason")), errors
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors["reason"]), errors


def test_the_deals_list_in_chinese_quadrants_levers_stages_and_the_move_stage_modal(driver, slack, chinese, local):
    add_deals(local, chinese["acme_id"],
              {"name": "Big sure", "stage": "Proposal/Price Quote", "amount": 50000, "lever": Lever.cross_sell,
               "expected_close_date": TODAY - timedelta(days=3), "next_step": "发送报价"},
              {"name": "Long shot", "stage": "Prospecting", "amount": 80000, "lever": Lever.new_adjacent})
    reply, shown = show_opps(driver, REP, "opps acme corp")
    text = blocks_text(reply["blocks"])
    assert "商机 · Acme Corporation" in text and "*2 个进行中的商机*，按优先级排列：" in text
    assert "*Big sure* · 方案/报价 · *5万 USD* (70%)\n⚡ 速赢机会 · 交叉销售其他产品 · ⚠️ *预计成交日期 " \
           f"{zh_day(TODAY - timedelta(days=3))} 已过 3 天*" in text
    assert "下一步：发送报价" in text
    assert "*Long shot* · 潜在客户 · *8万 USD*" in text and "⏳ 伺机而动 · 非相关产业的新客户 · 无预计成交日期" in text
    assert labels(reply["blocks"]) == ["变更阶段"] * 2 + ["编辑", "关闭", "历史记录"] * 2
    assert reply["text"] == "Acme Corporation：2 个进行中的商机"

    view = open_stage_modal(driver, slack, REP, shown)
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == ("变更阶段", "变更", "取消")
    assert "*Big sure* （Acme Corporation，5万 USD）目前处于 *方案/报价* 阶段。" in blocks_text(view["blocks"])
    chooser = view["blocks"][1]
    assert chooser["label"]["text"] == "新阶段"
    assert {"谈判/审核 (85%)", "赢单", "丢单"} <= {o["text"]["text"] for o in chooser["element"]["options"]}
    mark = slack.mark()
    negotiation = stage_id(local, "Negotiation/Review")
    assert driver.view_submission(REP, view, {"stage": {"kam.stage_select": negotiation}}).status == 200
    told = slack.wait_for("chat.postEphemeral", after=mark)
    assert "✅ *Big sure* （Acme Corporation）已进入 *谈判/审核* 阶段。" in told.params["text"]


def test_the_new_deal_modal_and_its_problems_are_in_chinese(driver, slack, chinese, local):
    _, card = show(driver, REP, "acme corp")
    new_deal = next(b for b in buttons(card.blocks) if b["action_id"] == ActionId.new_opportunity)
    view = press(driver, slack, REP, card, new_deal)
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == ("新建商机", "创建", "取消")
    assert [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"] == [
        "名称", "增长杠杆", "金额", "币种", "预计成交日期", "阶段", "赢单概率 %", "下一步"]
    assert "为 *Acme Corporation* 新建商机，由你负责。" in blocks_text(view["blocks"])
    assert "资格审查 (20%)" in options(view, "stage_id") and "交叉销售其他产品" in options(view, "lever")

    response = driver.view_submission(REP, view, deal_values(view, amount="很多"))
    assert response.json["response_action"] == "errors"
    assert response.json["errors"]["amount"].startswith("“很多”不是有效金额")

    mark = slack.mark()
    response = driver.view_submission(REP, view, deal_values(view, lever="cross_sell"))
    assert response.status == 200 and not response.json
    told = slack.wait_for("chat.postEphemeral", lambda c: "新建商机" in c.params["text"], after=mark)
    assert "已为 *Acme Corporation* 新建商机 *Fleet renewal* ：资格审查， *5万 USD* （20%）。" in told.params["text"]
    assert f"交叉销售其他产品 · 预计 {zh_day(TODAY + timedelta(days=30))} 成交" in blocks_text(told.params["blocks"])
