"""The account plans CSV (`kam import plans` / `kam export plans`, docs/imports.md): one row per plan part.

Every row names its plan by `account` + `period_start`; `record` says which part the row is
(plan | objective | action | review) and only that part's columns may be filled on it.
"""

import re

from kam_core.enums import ActionStatus, Lever

KEY = ["record", "account", "period_start", "period_end"]
PART_COLUMNS = {
    "plan": ["focus", "customer_trends", "customer_priorities", "our_impact", "value_proposition",
             "executive_sponsor_email", "team_roles", "reason"],
    "objective": ["description", "lever", "target", "unit", "actual"],
    "action": ["description", "owner_email", "due_date", "status"],
    "review": ["reviewed_on", "reviewer_email", "notes", "customer_view"],
}
RECORDS = list(PART_COLUMNS)
# The file's columns in the order the export writes them (`description` serves objectives and actions).
COLUMNS = KEY + list(dict.fromkeys(c for columns in PART_COLUMNS.values() for c in columns))
REQUIRED = ["record", "account", "period_start"]

# A lever as the enum value, the words of templates/_vocabulary.j2, or the seed's Chinese names (its
# "step two: set clear objectives" chart). Compared without case, spaces or punctuation.
LEVER_NAMES = {
    Lever.raise_usage: ["raise usage", "usage", "提高现有客户的使用率", "提高现有产品的使用率", "提高使用率"],
    Lever.cross_sell: ["cross-sell", "交叉销售", "交叉销售其他产品", "交叉销售其他产品或服务"],
    Lever.price_mix: ["price / product mix", "price mix", "raise price / improve product mix",
                      "提高价格/改善产品组合", "提高价格或改善产品组合"],
    Lever.new_core: ["new customer, core industry", "新客户（核心产业）", "核心产业的新客户"],
    Lever.new_adjacent: ["new customer, other industry", "new adjacent", "非相关产业的新客户"],
    Lever.retention: ["retention", "客户保留", "保留客户"],
}
STATUS_NAMES = {ActionStatus.cancelled: ["canceled"]}
_PUNCTUATION = re.compile(r"[\s_\-/,，、／()（）]+")


def normal(text: str) -> str:
    return _PUNCTUATION.sub("", text.casefold())


def _lookup(names: dict, enum_class) -> dict:
    found = {normal(member.value): member for member in enum_class}
    for member, words in names.items():
        found.update({normal(word): member for word in words})
    return found


LEVERS = _lookup(LEVER_NAMES, Lever)
STATUSES = _lookup(STATUS_NAMES, ActionStatus)


def columns_for(record: str) -> set[str]:
    return set(KEY) | set(PART_COLUMNS[record])


def used_by(column: str) -> list[str]:
    """The records whose rows may fill this column."""
    return [record for record, columns in PART_COLUMNS.items() if column in columns]
