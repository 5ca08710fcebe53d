"""Text material for the demo: products, what was said, next steps, plan wording.

Pools are expanded once at import, so generating a row is a pick, not string work.
"""

from itertools import product as cartesian

from kam_core.enums import BuyingRole, InteractionKind, Lever

# (name, series, list price)
PRODUCTS = [
    ("Core Platform", "Platform", 120_000), ("Analytics Suite", "Platform", 45_000),
    ("Edge Gateway", "Hardware", 8_000), ("IoT Sensor Pack", "Hardware", 2_500),
    ("Managed Security", "Services", 60_000), ("Premium Support", "Services", 30_000),
    ("Integration Services", "Services", 25_000), ("Training Academy", "Services", 9_000),
]

LEVER_WORDS = {
    Lever.raise_usage: "expansion", Lever.cross_sell: "cross-sell", Lever.price_mix: "upgrade",
    Lever.retention: "renewal", Lever.new_core: "new business", Lever.new_adjacent: "new division",
}

TITLES_EN = {
    BuyingRole.decision_maker: ["CEO", "CFO", "COO", "VP Operations", "Managing Director"],
    BuyingRole.champion: ["Head of IT", "Director of Digital", "Plant Manager", "Head of Supply Chain"],
    BuyingRole.influencer: ["Solution Architect", "Procurement Lead", "Finance Controller", "Quality Manager"],
    BuyingRole.user: ["IT Administrator", "Operations Analyst", "Service Engineer", "Data Analyst"],
    BuyingRole.blocker: ["Head of Procurement", "Security Officer", "Legal Counsel"],
}
TITLES_ZH = {
    BuyingRole.decision_maker: ["总经理", "财务总监", "运营副总裁", "董事长"],
    BuyingRole.champion: ["信息技术部经理", "数字化总监", "工厂厂长", "供应链总监"],
    BuyingRole.influencer: ["解决方案架构师", "采购主管", "财务经理", "质量经理"],
    BuyingRole.user: ["系统管理员", "运营分析师", "服务工程师", "数据分析师"],
    BuyingRole.blocker: ["采购总监", "信息安全官", "法务顾问"],
}

_PRODUCT_NAMES = [p[0] for p in PRODUCTS]
_EN_OPENINGS = {
    InteractionKind.call: ["Called {who} about", "Quick call with {who} on", "Phone check-in with {who} regarding"],
    InteractionKind.meeting: ["Meeting with {who} to review", "Workshop with {who} on",
                              "Steering meeting with {who} about"],
    InteractionKind.visit: ["Site visit; walked the plant with {who}, discussed", "Visited {who} on site to discuss"],
    InteractionKind.email: ["Emailed {who} about", "Sent {who} a summary on", "Replied to {who} regarding"],
    InteractionKind.note: ["Internal note:", "Heard from our partner about", "Note for the team on"],
    InteractionKind.complaint: ["Complaint from {who} about", "{who} escalated", "Formal complaint from {who}:"],
}
_EN_TOPICS = {
    "default": ["the {p} rollout", "renewal terms for {p}", "pricing for {p}", "the roadmap for {p}",
                "adoption of {p} in the second site", "a pilot of {p}", "the quarterly business review",
                "budget for next year", "integration with their ERP", "training needs for new staff"],
    InteractionKind.complaint: ["late delivery of {p} units", "an outage of {p} last week", "invoice errors on {p}",
                                "slow response from support on {p}", "a price increase for {p}"],
}
_EN_CLOSINGS = {
    "default": [". They were positive.", ". Decision expected next month.", ". Need to follow up with finance.",
                ". Competitor is also in the running.", ". Good momentum.", ". Some concerns on cost.", "."],
    InteractionKind.complaint: [". They expect an answer this week.", ". Escalated to support.",
                                ". Second time this quarter.", "."],
}
_ZH_OPENINGS = {
    InteractionKind.call: ["与{who}电话沟通", "电话回访{who}，讨论"], InteractionKind.meeting: ["与{who}开会讨论", "和{who}召开项目例会，讨论"],
    InteractionKind.visit: ["拜访{who}，现场讨论", "到客户现场与{who}交流"], InteractionKind.email: ["给{who}发邮件说明", "邮件回复{who}关于"],
    InteractionKind.note: ["内部记录：", "合作伙伴反馈："], InteractionKind.complaint: ["{who}投诉", "{who}反映问题："],
}
_ZH_TOPICS = {
    "default": ["{p}的部署进度", "{p}的续约条款", "{p}的报价", "明年的预算", "与ERP系统的集成", "季度业务回顾"],
    InteractionKind.complaint: ["{p}交付延迟", "{p}上周故障", "{p}发票有误", "{p}售后响应太慢"],
}
_ZH_CLOSINGS = {
    "default": ["。客户反馈积极。", "。预计下月决策。", "。需要和财务跟进。", "。竞争对手也在接触。", "。"],
    InteractionKind.complaint: ["。客户要求本周答复。", "。已升级至售后部门。", "。"],
}
WHO_EN = ["the CFO", "their IT team", "procurement", "the plant manager", "our champion", "the operations lead"]
WHO_ZH = ["财务总监", "信息技术部", "采购部", "厂长", "项目负责人", "运营经理"]


def _texts(openings, topics, closings, who, sep: str) -> dict[InteractionKind, list[str]]:
    return {
        kind: [f"{o.format(who=w)}{sep}{t.format(p=p)}{c}"
               for o, t, c, w, p in cartesian(openings[kind], topics.get(kind, topics["default"]),
                                              closings.get(kind, closings["default"]), who, _PRODUCT_NAMES)]
        for kind in InteractionKind
    }


INTERACTION_TEXT_EN = _texts(_EN_OPENINGS, _EN_TOPICS, _EN_CLOSINGS, WHO_EN, " ")
INTERACTION_TEXT_ZH = _texts(_ZH_OPENINGS, _ZH_TOPICS, _ZH_CLOSINGS, WHO_ZH, "")

NEXT_STEPS_EN = ["Send revised quote", "Book a demo with the IT team", "Share a customer case study",
                 "Schedule the quarterly business review", "Confirm pilot scope", "Follow up on the support ticket",
                 "Introduce our solution engineer", "Send the contract draft", "Call back the CFO",
                 "Prepare ROI calculation", "Invite to the user conference", "Check delivery dates with logistics"]
NEXT_STEPS_ZH = ["发送修订报价", "安排技术演示", "分享客户案例", "安排季度业务回顾", "确认试点范围", "跟进售后工单",
                 "引荐解决方案工程师", "发送合同草稿", "回电财务总监", "准备投资回报测算"]

PLAN_FOCUS = ["Expand from one plant to the whole group", "Become their preferred platform supplier",
              "Win the next-generation project", "Protect the renewal and grow services",
              "Move from product vendor to strategic partner"]
PLAN_FOCUS_ZH = ["从单一工厂扩展到集团层面", "成为首选平台供应商", "赢得下一代项目", "确保续约并扩大服务", "从产品供应商升级为战略合作伙伴"]
PLAN_TRENDS = ["Margin pressure and automation push", "Regulation on data residency", "Expansion into Southeast Asia",
               "Consolidation of suppliers", "Shift to subscription buying"]
PLAN_PRIORITIES = ["Lower total cost of ownership", "Faster lead times", "Cutting-edge technology",
                   "Customisation for their lines", "Reliable local support"]
PLAN_PROPOSITIONS = ["We cut their unplanned downtime by a third with monitored edge devices",
                     "One platform across sites, with local support in their language",
                     "Faster rollout than any competitor thanks to our integration team",
                     "Predictable cost: subscription with guaranteed service levels"]

PLAN_ACTIONS = ["Run executive business review", "Map the decision makers in procurement", "Present the ROI case",
                "Resolve open support escalations", "Agree joint roadmap for next year",
                "Organise a reference visit", "Prepare the renewal proposal", "Run a training day for key users",
                "Introduce our CTO to their CIO", "Propose a pilot in the second plant", "Review service levels",
                "Collect customer satisfaction scores"]
PLAN_ACTIONS_ZH = ["召开高层业务回顾会", "梳理采购决策链", "汇报投资回报分析", "解决未结的售后升级问题", "确定明年的联合路线图",
                   "组织标杆客户参观", "准备续约方案", "为核心用户组织培训"]

# What a plan review found (the reviewer's notes), and the customer's own view of us when it was heard.
REVIEW_NOTES = ["Objectives on pace; keep the executive cadence", "Pipeline for the new plant is thin: add a pilot",
                "Two actions slipped; owners re-committed to new dates", "Sponsor meeting went well, renewal looks safe",
                "Value case needs numbers from their finance team", "Support escalations resolved, trust is back"]
CUSTOMER_VIEWS = ["They rate our support highly but find pricing opaque", "They see us as a reliable supplier, not yet a partner",
                  "Their CIO wants a clearer roadmap from us", "Happy with the rollout speed; training could be better"]

# (description, unit)
OBJECTIVES = [("Grow annual revenue", "USD"), ("Products in use", "products"), ("Executive meetings held", "meetings"),
              ("Customer satisfaction (NPS)", "NPS"), ("Share of wallet", "%")]
