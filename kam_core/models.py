"""Every mapped class, imported once so the metadata is complete (alembic, tests)."""

from kam_core.accounts.models import (  # noqa: F401
    Account,
    AccountAlias,
    AccountProduct,
    AccountTeamMember,
    AccountValue,
    Contact,
    Product,
    TierChange,
)
from kam_core.audit.models import AuditEntry  # noqa: F401
from kam_core.base import Base  # noqa: F401
from kam_core.changes import ACCOUNT_NAMES, FX_RATES, PIPELINE, ChangeMarker, watch  # noqa: F401
from kam_core.delivery.models import Delivery, NotificationPreference  # noqa: F401
from kam_core.events import ProcessedEvent  # noqa: F401
from kam_core.fx.models import FxRate  # noqa: F401
from kam_core.installation.models import Installation  # noqa: F401
from kam_core.interactions.models import FollowUp, Interaction, interaction_contacts  # noqa: F401
from kam_core.opportunities.models import LostReason, Opportunity, Stage, StageChange  # noqa: F401
from kam_core.people.models import Person  # noqa: F401
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective, PlanReview  # noqa: F401

# Installed on import, once: kam_core.db imports this module, so every process that builds an engine
# has them (gunicorn's bot.wsgi never imported it before, and its caches went stale).
# The in-process name index (kam_core.accounts.resolver.index) reloads when this moves.
watch(ACCOUNT_NAMES, Account, AccountAlias, fields={"name", "alias"})
# The high-value threshold of the priority matrix (kam_core.opportunities.priority) and the value window of
# won deals (kam_core.tiers.won_deals) too.
watch(PIPELINE, Opportunity, Stage, fields={"amount", "stage", "stage_id", "is_open", "closed_on", "is_won"})
# The exchange rates every request converts with (kam_core.fx.service.load_rates).
watch(FX_RATES, FxRate)
