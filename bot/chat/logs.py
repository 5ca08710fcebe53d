"""While `kam chat` runs, the bot's log lines (ours and the libraries') go to a file, never into the
conversation. Without a handler, Python prints warnings and tracebacks on stderr, which is the chat's
terminal; an "unexpected error" answer's reference is the correlation id on that file's lines."""

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.observability.logging import QUIET_LOGGERS, logging_config

DEFAULT_LOG = Path(tempfile.gettempdir()) / "kam-chat.log"


@contextmanager
def logging_to(path: Path) -> Iterator[None]:
    """The same lines, format and redaction as the served bot, appended to `path`; as it was afterwards."""
    stream = path.open("a", encoding="utf-8")
    config = logging_config(stream=stream)
    formatter_spec = dict(config["formatters"]["kam"])
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter_spec.pop("()")(**formatter_spec))
    root = logging.getLogger()
    saved = root.level, {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    root.addHandler(handler)
    root.setLevel(config["root"]["level"])
    logging.captureWarnings(True)  # a library's warnings.warn too: to the file, not the terminal
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(config["loggers"][name]["level"])
    try:
        yield
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for name, level in saved[1].items():
            logging.getLogger(name).setLevel(level)
        stream.close()
