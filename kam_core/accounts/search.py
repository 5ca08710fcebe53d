"""Find an account by what a rep typed. The resolver lives in
kam_core.accounts.resolver; this module keeps the names callers import."""

from kam_core.accounts.resolver import (
    DEFAULT_THRESHOLDS, Candidate, NameIndex, Outcome, SearchResult, Thresholds, name_index, normalise, resolve,
    search_accounts,
)

__all__ = ["Candidate", "DEFAULT_THRESHOLDS", "NameIndex", "Outcome", "SearchResult", "Thresholds", "name_index",
           "normalise", "resolve", "search_accounts"]
