"""The words after `/kam plan`: an account name, then maybe what to do with its plan. No Slack, no database.

    /kam plan Acme                      the plan
    /kam plan Acme new                  create one (a modal)
    /kam plan Acme review               record a review (a modal)
    /kam plan Acme history              its reviews and changes
    /kam plan Acme objective usage 45   set an objective's actual (by lever or words of its description)

The keyword is read from the end, so an account whose name holds one ("New Horizons", "Objective
Partners") still works: `/kam plan New Horizons new`, `/kam plan Objective Partners objective usage 45`.
A name that ends with a keyword ("Acme Review") is told apart by the handler, which knows the accounts.
"""

import re
from enum import StrEnum

from pydantic import BaseModel


class PlanVerb(StrEnum):
    show = "show"
    new = "new"
    review = "review"
    history = "history"
    objective = "objective"


class PlanAsk(BaseModel):
    verb: PlanVerb = PlanVerb.show
    account: str = ""
    # objective: which one (a lever or words of its description) and the actual as typed
    words: str = ""
    amount: str | None = None


TRAILING = re.compile(r"^(?P<account>.+?)\s+(?P<verb>new|review|history)$", re.IGNORECASE)
# Greedy account: the last "objective" in the text is the keyword.
OBJECTIVE = re.compile(r"^(?P<account>.+)\s+objective(?:\s+(?P<rest>.*))?$", re.IGNORECASE)
AMOUNT = re.compile(r"^[-+]?[$€£¥]?(\d[\d,]*(\.\d+)?|\.\d+)\s*[kmb%]?$", re.IGNORECASE)


def parse_plan_text(text: str) -> PlanAsk:
    text = " ".join((text or "").split())
    objective = OBJECTIVE.match(text)
    if objective:
        rest = (objective.group("rest") or "").strip()
        words, _, amount = rest.rpartition(" ")
        if words.strip() and AMOUNT.match(amount):
            return PlanAsk(verb=PlanVerb.objective, account=objective.group("account").strip(), words=words.strip(),
                           amount=amount)
        return PlanAsk(verb=PlanVerb.objective, account=objective.group("account").strip(), words=rest)
    trailing = TRAILING.match(text)
    if trailing:
        return PlanAsk(verb=PlanVerb(trailing.group("verb").lower()), account=trailing.group("account").strip())
    return PlanAsk(account=text)
