"""The emulator drives a real slack_bolt App end to end: bolt accepts the driver's signatures and
payloads, and its listeners' Web API calls land in FakeSlack (waited for, never slept on)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from bot.emulator import SlackDriver
from tests.emulator.conftest import SIGNING_SECRET

MODAL = {"type": "modal", "callback_id": "note", "title": {"type": "plain_text", "text": "Note"},
         "submit": {"type": "plain_text", "text": "Save"},
         "blocks": [{"type": "input", "block_id": "text", "label": {"type": "plain_text", "text": "Note"},
                     "element": {"type": "plain_text_input", "action_id": "text"}}]}


def _app(slack) -> App:
    app = App(client=WebClient(token=slack.bot_token, base_url=slack.api_url), signing_secret=SIGNING_SECRET)

    @app.command("/kam")
    def open_note(ack, body, client):
        ack("Opening a note")
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.view("note")
    def save_note(ack, body, view, client):
        ack()
        note = view["state"]["values"]["text"]["text"]["value"]
        client.chat_postMessage(channel=body["user"]["id"], text=f"Saved: {note}")

    @app.event("app_home_opened")
    def home(event, client):
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": []})

    return app


@pytest.fixture
def bolt_url(slack):
    app = _app(slack)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            answer = app.dispatch(BoltRequest(body=raw.decode(), headers=dict(self.headers.items())))
            data = answer.body.encode()
            self.send_response(answer.status)
            for name, values in answer.headers.items():
                for value in values:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    server.shutdown()
    server.server_close()


def test_a_slash_command_opens_a_modal_whose_submission_posts_a_dm(slack, bolt_url):
    slack.add_user("U0ALICE", name="alice")
    driver = SlackDriver(bolt_url, SIGNING_SECRET, slack)
    mark = driver.mark()
    assert driver.slash_command("U0ALICE", "note").status == 200
    opened = slack.wait_for("views.open", after=mark.calls).response["view"]
    assert driver.view_submission("U0ALICE", opened, {"text": {"text": "Met Acme"}}).status == 200
    slack.wait_for("chat.postMessage", after=mark.calls)
    assert [(r.kind, r.text) for r in driver.replies_since(mark, "U0ALICE")] == [
        ("ack", "Opening a note"), ("view_open", None), ("message", "Saved: Met Acme")]
    assert slack.open_views("U0ALICE") == []


def test_app_home_opened_publishes_the_home_tab(slack, bolt_url):
    slack.add_user("U0ALICE", name="alice")
    SlackDriver(bolt_url, SIGNING_SECRET, slack).app_home_opened("U0ALICE")
    slack.wait_for("views.publish")
    assert slack.home_of("U0ALICE")["type"] == "home"


def test_bolt_refuses_a_wrong_signature(slack, bolt_url):
    response = SlackDriver(bolt_url, "not-the-secret", slack).slash_command("U0ALICE", "note")
    assert response.status == 401
