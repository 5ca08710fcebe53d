"""Why an account has its tier, in words that are true for its rank (cli/_macros.j2 why_line, on the card and CLI)."""

from kam_core.enums import Tier
from kam_core.tiers.schemas import TierExplanation
from templates import piece


def why(**fields) -> str:
    explanation = TierExplanation(**{
        "account_id": 1, "account_name": "Acme", "tier": Tier.key, "computed_tier": Tier.key, "ranked_accounts": 40,
        "key_share": 0.5, "important_share": 0.3, "figures": None, **fields})
    return piece("cli/_macros.j2", "why_line", why=explanation)


def test_the_top_account_is_said_to_be_the_top_account():
    text = why(rank=1, share=0.12, share_before=0.0)
    assert text == "Ranked #1 of 40 by total value, with 12.0% of all value: the top account is always key."
    assert "above it" not in text


def test_an_account_further_down_says_what_the_accounts_above_it_hold():
    assert why(rank=2, share=0.1, share_before=0.45) == (
        "Ranked #2 of 40 by total value: 10.0% of all value; the accounts above it hold 45.0% "
        "(key up to 50.0%, important up to 80.0%).")


def test_a_tiny_share_is_not_rounded_to_nothing_nor_the_rest_to_everything():
    text = why(rank=9000, ranked_accounts=9001, tier=Tier.general, computed_tier=Tier.general, share=0.00004,
               share_before=0.99995)
    assert "<0.1% of all value; the accounts above it hold >99.9%" in text
