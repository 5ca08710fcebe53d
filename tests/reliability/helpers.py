"""Sending the very same request several times, one after another or all at once, and counting rows."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from kam_core.db import transaction


def count(local, model, *where) -> int:
    with transaction(local.runtime.sessions) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def all_at_once(*requests) -> list:
    """Run the callables at the same time (threads), as two people or a double tap would; their results."""
    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        futures = [pool.submit(request) for request in requests]
        return [future.result() for future in futures]


def wait_for_calls(slack, method: str | None, n: int, predicate=None, after: int = 0) -> list:
    """The first `n` calls to `method` (matching `predicate`) at index >= `after`, waiting for them."""
    found, index = [], after
    for _ in range(n):
        call = slack.wait_for(method, predicate, after=index)
        index = next(i for i, c in enumerate(slack.calls) if c is call) + 1
        found.append(call)
    return found
