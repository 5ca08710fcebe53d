"""Slack listeners, thin: parse the payload, call kam_core, render, reply. Errors rise to one boundary
(handlers/errors.py, handlers/fallback.py)."""

from slack_bolt import App

from bot.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    from handlers import (
        account, aliases, commands, digest, direct_messages, fallback, find, history, home, installation, language,
        log_form, mine, notes, opportunities, opportunity_forms, plans, reminders,
    )

    # Every /kam verb, from the module that owns it: one table per app.
    commands.register(app, runtime, [*account.COMMANDS, *mine.COMMANDS, *opportunities.COMMANDS, *plans.COMMANDS,
                                     *notes.COMMANDS, *history.COMMANDS, *reminders.COMMANDS, *digest.COMMANDS,
                                     *find.COMMANDS, *language.COMMANDS, *aliases.COMMANDS])
    # fallback last: it catches what no other listener matched (bolt runs the first match).
    for group in (account, aliases, mine, opportunities, opportunity_forms, plans, notes, history, log_form,
                  direct_messages, home, installation, fallback):
        group.register(app, runtime)
