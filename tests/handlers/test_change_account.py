"""A DM preview's "Change account": the form opens with the note, and when the rep picks another
account its contacts replace the first account's, even when the rep typed on meanwhile; the note is
then saved with a contact of the account chosen."""

from sqlalchemy import select

from handlers.ids import ActionId, BlockId
from kam_core.accounts.models import Account
from kam_core.db import transaction
from tests.factories import make_contact
from tests.handlers.test_log_modal import block, filled
from tests.handlers.test_notes import interactions, valid_view
from tests.handlers.test_shortcuts_and_dm import dm_reply
from tests.handlers.conftest import REP

NOTE = "acme: met the CFO, next: send quote by Friday"


def contact_names(view: dict) -> list[str]:
    return [o["text"]["text"] for o in block(view, BlockId.contacts)["element"]["options"]]


def test_the_contacts_follow_the_account_chosen_instead(driver, slack, local, world):
    with transaction(local.runtime.sessions) as session:
        make_contact(session, account=session.get(Account, world["acme_id"]), name="Carla CFO")
        logistics = session.scalar(select(Account).where(Account.name == "Acme Logistics GmbH"))
        driver_id = make_contact(session, account=logistics, name="Fritz Fleet").id
        logistics_id = logistics.id
    before = slack.mark()
    driver.message_im(REP, NOTE)
    preview = dm_reply(slack, before)
    driver.block_action(REP, ActionId.change_account, message={**preview.response["message"],
                                                               "channel": preview.response["channel"]})
    view = valid_view(slack.wait_for("views.open").response["view"])
    assert contact_names(view) == ["Carla CFO"]

    slack.fail_next("views.update", "hash_conflict")  # the rep typed on while the bot rebuilt the form
    mark = slack.mark()
    driver.block_action(REP, ActionId.account_select, str(logistics_id), view=view)
    updated = valid_view(slack.wait_for("views.update", lambda c: c.ok, after=mark).response["view"])
    assert contact_names(updated) == ["Fritz Fleet"]

    values = filled(logistics_id, **{BlockId.contacts: {ActionId.contacts_select: [str(driver_id)]},
                                     BlockId.notes: {ActionId.notes_input: "met the CFO"}})
    assert driver.view_submission(REP, updated, values).status == 200
    slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == REP)
    [note] = interactions(local)
    assert (note.account.name, [c.name for c in note.contacts]) == ("Acme Logistics GmbH", ["Fritz Fleet"])
