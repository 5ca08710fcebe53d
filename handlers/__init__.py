"""Slack listeners: parse the payload, call one kam_core service, render, reply."""

from slack_bolt import App

from bot.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    from handlers import account, commands, digest, home, notes, opportunities, plans, reminders

    for group in (commands, account, opportunities, plans, notes, home, reminders, digest):
        group.register(app, runtime)
