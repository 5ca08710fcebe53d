"""Account name resolution: what a rep typed → one account, a few candidates, or none."""

from kam_core.accounts.resolver.decide import DEFAULT_THRESHOLDS, Thresholds
from kam_core.accounts.resolver.index import NameIndex, name_index
from kam_core.accounts.resolver.normalise import normalise
from kam_core.accounts.resolver.resolve import Candidate, Outcome, SearchResult, resolve, search_accounts

__all__ = ["Candidate", "DEFAULT_THRESHOLDS", "NameIndex", "Outcome", "SearchResult", "Thresholds", "name_index",
           "normalise", "resolve", "search_accounts"]
