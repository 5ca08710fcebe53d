"""A threaded WSGI server for `kam serve`, `kam chat` and the tests.
Production runs the same WSGI app under gunicorn (see README)."""

import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 - the stdlib's name
        pass


def make_wsgi_server(application, host: str = "127.0.0.1", port: int = 0) -> WSGIServer:
    return make_server(host, port, application, server_class=ThreadingWSGIServer, handler_class=QuietHandler)


class BackgroundServer:
    """Serves in a thread: `with BackgroundServer(app) as server: server.url`."""

    def __init__(self, application, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = make_wsgi_server(application, host, port)
        # A short poll: shutdown() waits for the loop to notice, by default up to half a second.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "BackgroundServer":
        self.thread.start()
        return self

    def __exit__(self, *_) -> None:
        self.server.shutdown()
        self.server.server_close()
