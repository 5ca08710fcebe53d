"""The KAM domain: accounts, tiers, value, opportunities, plans, interactions.

Nothing in this package knows about Slack; services take an explicit SQLAlchemy
session and an actor, and return pydantic read models.
"""
