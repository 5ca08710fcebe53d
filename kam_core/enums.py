"""Closed vocabularies of the domain. Stored as their string values."""

from enum import StrEnum


class Role(StrEnum):
    rep = "rep"
    manager = "manager"
    admin = "admin"


class Tier(StrEnum):
    key = "key"
    important = "important"
    general = "general"


class TierSource(StrEnum):
    computed = "computed"
    manual = "manual"


class AliasSource(StrEnum):
    """Where an account's alias came from: an import, or a rep's choice among candidates (learned)."""

    imported = "imported"
    learned = "learned"


class SizeSegment(StrEnum):
    enterprise = "enterprise"
    mid_market = "mid_market"
    small = "small"
    consumer = "consumer"


class AccountStatus(StrEnum):
    prospect = "prospect"
    new = "new"
    existing = "existing"
    churned = "churned"


class TeamRole(StrEnum):
    account_manager = "account_manager"
    sales = "sales"
    solution_engineer = "solution_engineer"
    customer_support = "customer_support"
    finance = "finance"
    marketing = "marketing"
    executive_sponsor = "executive_sponsor"


class BuyingRole(StrEnum):
    decision_maker = "decision_maker"
    champion = "champion"
    influencer = "influencer"
    user = "user"
    blocker = "blocker"


class Lever(StrEnum):
    raise_usage = "raise_usage"
    cross_sell = "cross_sell"
    price_mix = "price_mix"
    new_core = "new_core"
    new_adjacent = "new_adjacent"
    retention = "retention"


class Quadrant(StrEnum):
    act_now = "act_now"
    opportunistic = "opportunistic"
    quick_win = "quick_win"
    deprioritise = "deprioritise"


class PlanHealth(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"


class ActionStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


class InteractionKind(StrEnum):
    call = "call"
    meeting = "meeting"
    visit = "visit"
    email = "email"
    note = "note"
    complaint = "complaint"


class Sentiment(StrEnum):
    positive = "positive"
    neutral = "neutral"
    negative = "negative"


class Source(StrEnum):
    slash_command = "slash_command"
    modal = "modal"
    message_shortcut = "message_shortcut"
    direct_message = "direct_message"
    console = "console"
    import_ = "import"


class FollowUpStatus(StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"
