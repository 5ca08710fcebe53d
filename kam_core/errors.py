"""Domain errors. Each carries a code and parameters; the wording a person reads
lives in templates/errors.j2, one macro per code."""

from typing import Any


class KamError(Exception):
    code = "error"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(f"{self.code}: {params}")


class NotFound(KamError):
    code = "not_found"  # params: what, name


class AlreadyRemoved(NotFound):
    code = "already_removed"  # params: what, name (a second Undo of the same thing)


class Forbidden(KamError):
    code = "forbidden"  # params: action


class NotLinked(KamError):
    code = "not_linked"  # params: slack_user_id


class InvalidInput(KamError):
    code = "invalid_input"  # params: field, problem


class TextTooLong(KamError):
    code = "text_too_long"  # params: length, limit


class Conflict(KamError):
    code = "conflict"  # params: what, changed_by


class Unavailable(KamError):
    code = "unavailable"  # no params: the database (or another store) could not be reached


class ImportFailed(KamError):
    code = "import_failed"  # params: file, row, field, problem


class NotDemoDatabase(KamError):
    code = "not_demo_database"  # no params: `kam demo` would replace data it did not make
