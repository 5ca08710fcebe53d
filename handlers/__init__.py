"""Slack listeners: parse the payload, call one kam_core service, render, reply."""

from slack_bolt import App

from bot.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    from handlers import (
        account, commands, digest, fallback, home, installation, notes, opportunities, plans, reminders,
    )

    # fallback last: it catches what no other listener matched (bolt runs the first match).
    for group in (commands, account, opportunities, plans, notes, home, reminders, digest, installation,
                  fallback):
        group.register(app, runtime)
