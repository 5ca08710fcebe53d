"""`kam serve` (HTTP) and `kam run` (Socket Mode)."""

import typer

from bot.app import create_app
from bot.cli.common import runtime
from bot.observability.logging import configure_logging
from bot.server import make_wsgi_server
from bot.web import SLACK_PATH, wsgi_app
from templates import render


def serve(port: int = typer.Option(3000, "--port"), host: str = typer.Option("0.0.0.0", "--host")) -> None:
    """Serve Slack's requests over HTTP (POST /slack/events, GET /healthz).

    For production run the same app under gunicorn: `gunicorn 'bot.wsgi:application'`.
    """
    configure_logging()
    rt = runtime()
    server = make_wsgi_server(wsgi_app(create_app(rt.settings, runtime=rt), rt), host, port)
    typer.echo(render("cli/serving.txt.j2", host=host, port=server.server_address[1], path=SLACK_PATH))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def run() -> None:
    """Connect to Slack over Socket Mode (needs SLACK_APP_TOKEN): no public URL required."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    configure_logging()
    rt = runtime()
    if rt.settings.slack_app_token is None:
        raise SystemExit("Set SLACK_APP_TOKEN (xapp-…) for Socket Mode; see docs/setup.md.")
    app = create_app(rt.settings, runtime=rt)
    SocketModeHandler(app, rt.settings.slack_app_token.get_secret_value()).start()
