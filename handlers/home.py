"""Placeholder: its listener group registers here."""

from slack_bolt import App

from bot.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    pass
