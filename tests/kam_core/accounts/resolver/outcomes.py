"""What a rep sees for a name typed: the outcome and the accounts offered, by name."""

from kam_core.accounts.resolver.resolve import Outcome, search_accounts


def outcome_of(session, typed: str) -> tuple[Outcome, list[str]]:
    result = search_accounts(session, query=typed)
    return result.outcome, [c.name for c in result.candidates]
