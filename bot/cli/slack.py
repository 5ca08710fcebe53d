"""`kam serve` (HTTP) and `kam run` (Socket Mode)."""

import typer

from bot.cli.common import runtime
from templates import render


def serve(port: int = typer.Option(3000, "--port"), host: str = typer.Option("0.0.0.0", "--host")) -> None:
    """Serve Slack's requests over HTTP (POST /slack/events, GET /healthz).

    For production run the same app under gunicorn: `gunicorn 'bot.wsgi:application'`.
    """
    from bot.assembly import web_application
    from bot.observability.logging import configure_logging
    from bot.server import make_wsgi_server
    from bot.web import SLACK_PATH

    configure_logging()
    rt = runtime()
    server = make_wsgi_server(web_application(rt), host, port)
    typer.echo(render("cli/serving.txt.j2", host=host, port=server.server_address[1], path=SLACK_PATH))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def run() -> None:
    """Connect to Slack over Socket Mode (needs SLACK_APP_TOKEN): no public URL required."""
    from bot import socket_mode
    from bot.assembly import slack_connection
    from bot.observability.logging import configure_logging

    configure_logging()
    rt = runtime()
    connection = slack_connection(rt, socket_mode=True).start()
    connection.wait_ready(None)  # retried while Slack is unreachable; the reason is logged each time
    handler = socket_mode.connect(connection.app, rt.settings)
    typer.echo(render("cli/connected.txt.j2"))
    try:
        socket_mode.run_until_stopped(handler)
    finally:
        rt.close()
