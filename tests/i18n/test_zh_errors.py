"""Errors read in Simplified Chinese for a Chinese-speaking person: the same codes and values as in English
(templates/errors.j2), the words from its zh_CN catalog, every value in its place."""

from datetime import date

from sqlalchemy import update

from kam_core.db import transaction
from kam_core.enums import Role, Tier
from kam_core.errors import Conflict, Forbidden, ImportFailed, ImportProblems, Invalid, InvalidInput, NotFound
from kam_core.importers.report import EntityCounts, ImportReport, Issue
from kam_core.people.models import Person
from templates import error_message, i18n, piece, render
from tests.factories import make_person
from tests.handlers.conftest import MANAGER, REP, driver, local, world  # noqa: F401 - the emulator's fixtures


def zh(error) -> str:
    with i18n.use("zh"):
        return error_message(error)


def test_an_account_not_found_offers_the_likely_one_and_how_to_look_it_up():
    assert zh(NotFound(what="account", name="比亚迪汽", suggestion="比亚迪")) == (
        "找不到名为“比亚迪汽”的客户。您是指“比亚迪”吗？如果不是，请输入 `/kam find` 加上客户名称中的一个词或开头几个字来查找。")
    assert zh(NotFound(what="account", name="Zzz")) == (
        "找不到名为“Zzz”的客户。请输入 `/kam find` 加上客户名称中的一个词或开头几个字来查找。")


def test_other_things_not_found_are_named_in_chinese():
    assert zh(NotFound(what="opportunity", name="42")) == "找不到名为“42”的商机。"
    assert zh(NotFound(what="plan objective", name="使用率", suggestion="提高使用率")) == (
        "找不到名为“使用率”的计划目标。您是指“提高使用率”吗？")


def test_a_refusal_names_who_can_in_chinese():
    assert zh(Forbidden(action="set_tier")) == "你无权设置此客户的等级：只有客户负责人团队的经理或管理员可以。"
    assert zh(Forbidden(action="review_plan")) == (
        "你无权评审此计划：只有客户负责人团队的经理、计划的高层发起人或管理员可以；客户负责人不能评审自己的计划。")


def test_several_problems_read_one_per_line_each_with_its_values():
    error = Invalid([InvalidInput(field="amount", problem="amount_negative", value="-5"),
                     InvalidInput(field="reason", problem="plan_needs_reason", tier=Tier.general),
                     InvalidInput(field="objective", problem="no_such_objective", words="留存", choices=["提高使用率", "交叉销售"])])
    assert zh(error).split("\n") == [
        "“-5”是负数；金额必须大于或等于 0。",
        "此客户的等级为一般客户，而关键客户规划只面向关键客户：请说明为何此客户需要计划。",
        "此计划没有目标“留存”；现有目标为：提高使用率、交叉销售。",
    ]


def test_a_conflict_says_who_changed_it_or_someone():
    assert zh(Conflict(what="opportunity", changed_by="王伟")) == "王伟刚刚修改了此商机。请重新加载后再试。"
    assert zh(Conflict(what="follow-up", changed_by="someone")) == "其他人刚刚修改了此跟进。请重新加载后再试。"


def test_date_problems_read_in_chinese():
    assert zh(InvalidInput(field="occurred_on", problem="date_in_future")) == "该日期在未来；请选择今天或之前的日期。"
    assert zh(InvalidInput(field="follow_up_on", problem="follow_up_far_ahead", years=5)) == (
        "该日期在 5 年以后；请选择更近的日期。")
    assert zh(ImportFailed(file="accounts.csv", row=7, field="value_date", problem="not_a_date", value="2026/13/40")) == (
        "accounts.csv，第 7 行，字段“value_date”：“2026/13/40”不是日期；请写成 YYYY-MM-DD。未导入任何数据。")


def test_an_import_failure_names_the_file_row_and_field():
    assert zh(ImportFailed(file="accounts.csv", row=4, field="annual_value", problem="not_a_number", value="12x")) == (
        "accounts.csv，第 4 行，字段“annual_value”：“12x”不是数字。未导入任何数据。")
    assert zh(ImportFailed(file="export/manifest.json", row=None, field=None, problem="not_a_manifest",
                           detail="Field required")) == (
        "export/manifest.json，字段“整个文件”：不是 kam 导出清单（field required）。未导入任何数据。")
    problems = ImportProblems(file="plans.csv", problems=[
        ImportFailed(file="plans.csv", row=2, field="record", problem="not_one_of", value="goal",
                     choices=["plan", "objective", "action"]),
        ImportFailed(file="plans.csv", row=3, field=None, problem="value_required")])
    assert zh(problems).split("\n") == [
        "plans.csv：发现 2 个问题，未导入任何数据。请修正后重新导入该文件：",
        "  第 2 行，字段“record”：“goal”不在可选值 plan、objective、action 之中",
        "  第 3 行：必须填写值",
    ]


def test_the_same_errors_read_as_before_in_english():
    assert error_message(Conflict(what="follow-up", changed_by="someone")) == (
        "This follow-up was changed by someone a moment ago. Reload it and try again.")
    assert error_message(ImportFailed(file="accounts.csv", row=4, field="annual_value", problem="not_a_number",
                                      value="12x")) == (
        "accounts.csv, row 4, field “annual_value”: “12x” is not a number. Nothing was imported.")


def test_plan_health_reasons_count_in_chinese():
    with i18n.use("zh"):
        assert piece("plan_reasons.j2", "overdue_actions", count=3, oldest_days=12) == "3 项行动已逾期，最早的一项逾期 12 天。"
        assert piece("plan_reasons.j2", "period_ended", ended_on=date(2026, 12, 31).isoformat(), days=1) == (
            "计划周期已于 2026-12-31 结束（1 天前）；请制定下一期计划。")


def test_an_import_report_reads_in_chinese_with_the_default_stage_names():
    report = ImportReport(
        kind="maven", source="data/maven",
        entities={"accounts": EntityCounts(created=2, unchanged=1), "opportunities": EntityCounts(created=5, skipped=1)},
        skips=[Issue(entity="opportunities", code="no_account", count=1, examples=["D-17"])],
        fixes=[Issue(entity="opportunities", code="amount_from_list_price", params={"stage": "Closed Won"}, count=4)],
        notes=[], tiers={Tier.key: 1, Tier.important: 1, Tier.general: 1})
    with i18n.use("zh"):
        text = render("import_report.j2", report=report)
    assert text.startswith("从 data/maven 导入“maven”：已完成。\n")
    assert "已跳过：\n  - 商机 1 条：商机未写明客户（例如 D-17）" in text
    assert "已修正：\n  - 商机 4 条：“赢单”阶段的商机没有金额；已按产品目录价估算金额" in text
    assert text.endswith("当前客户等级：关键客户 1 个，重要客户 1 个，一般客户 1 个。")


def speaks_chinese(local, slack_user_id: str) -> None:
    with transaction(local.runtime.sessions) as session:
        session.execute(update(Person).where(Person.slack_user_id == slack_user_id).values(language="zh"))


def test_a_rep_who_may_not_re_tier_is_told_in_chinese_who_can(driver, local, world):
    speaks_chinese(local, REP)
    refused = driver.slash_command(REP, "tier acme corporation key 新市场的标杆客户").json
    assert refused["text"] == "你无权设置此客户的等级：只有客户负责人团队的经理或管理员可以。"
    # Their manager, still in English, re-tiers it and is answered in English.
    done = driver.slash_command(MANAGER, "tier acme corporation key Strategic logo").json
    assert "*Acme Corporation* is now tiered *key*. Reason recorded: “Strategic logo”." in done["text"]


def test_a_chinese_speaking_manager_re_tiers_and_misses_an_account_in_chinese(driver, local, world):
    with transaction(local.runtime.sessions) as session:
        make_person(session, role=Role.manager, name="王经理", email="wang@acme.test", slack_user_id="U0WANG",
                    team="East", language="zh")
        session.execute(update(Person).where(Person.slack_user_id == REP).values(
            manager_id=session.query(Person.id).filter(Person.slack_user_id == "U0WANG").scalar_subquery()))
    done = driver.slash_command("U0WANG", "tier acme corporation important 战略客户").json
    assert "*Acme Corporation* 的客户等级已改为 *重要客户*，已记录理由：“战略客户”。" in done["text"]
    missing = driver.slash_command("U0WANG", "tier zzyzx key 战略客户").json
    assert "找不到名为“zzyzx”的客户。" in missing["text"]
