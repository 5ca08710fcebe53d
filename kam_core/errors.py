"""Domain errors. Each carries a code and parameters, never a sentence: the wording a person reads
lives in templates/errors.j2, one macro per code. An error about one input also names it in
`field`, machine-readable (the argument or form input, e.g. "follow_up_on"; None when the error is
about no one input), so a form can show it under that input.

InvalidInput and ImportFailed say what is wrong with a `problem` code, itself a macro of errors.j2
that takes the problem's values; `Invalid` carries several inputs' problems at once."""

from collections.abc import Iterable
from typing import Any


class KamError(Exception):
    code = "error"
    field: str | None = None

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
    """A value that cannot be used: `field` names the input, `problem` the rule it breaks."""

    code = "invalid_input"  # params: field, problem, and the problem's values

    def __init__(self, *, field: str | None, problem: str, **values: Any) -> None:
        super().__init__(field=field, problem=problem, **values)
        self.field = field
        self.problem = problem


class TextTooLong(InvalidInput):
    code = "text_too_long"  # params: length, limit
    field = "text"
    problem = "text_too_long"

    def __init__(self, *, length: int, limit: int) -> None:
        KamError.__init__(self, length=length, limit=limit)


class Invalid(InvalidInput):
    """Several problems found at once (a form shows each under its input); rendered one per line."""

    code = "invalid"  # params: problems
    field = None
    problem = "invalid"

    def __init__(self, problems: Iterable[InvalidInput]) -> None:
        self.problems = [p for problem in problems for p in getattr(problem, "problems", [problem])]
        KamError.__init__(self, problems=self.problems)


class Conflict(KamError):
    code = "conflict"  # params: what, changed_by


class Unavailable(KamError):
    code = "unavailable"  # no params: the database (or another store) could not be reached


class ImportFailed(KamError):
    """Bad input to an import: the file, the row and the field (the column as the file spells it)."""

    code = "import_failed"  # params: file, row, field, problem, and the problem's values

    def __init__(self, *, file: str, row: int | None, field: str | None, problem: str, **values: Any) -> None:
        super().__init__(file=file, row=row, field=field, problem=problem, **values)
        self.field = field
        self.problem = problem


class ImportProblems(ImportFailed):
    """Every bad row of an import file at once: the importer checked all rows before writing any."""

    code = "import_problems"  # params: file, problems (ImportFailed each)

    def __init__(self, *, file: str, problems: Iterable[ImportFailed]) -> None:
        self.problems = list(problems)
        KamError.__init__(self, file=file, problems=self.problems)
        self.field = None
        self.problem = "several"


class NotDemoDatabase(KamError):
    code = "not_demo_database"  # no params: `kam demo` would replace data it did not make
