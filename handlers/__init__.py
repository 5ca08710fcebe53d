"""Slack listeners: parse the payload, call one kam_core service, render, reply."""

from slack_bolt import App

from bot.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    from handlers import account, commands, home, notes, opportunities, plans

    for group in (commands, account, opportunities, plans, notes, home):
        group.register(app, runtime)
