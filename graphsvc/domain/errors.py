"""One error hierarchy with a fixed shape: ``code``, ``field``, ``message``.

Expected errors (bad input, unknown ids) are data: the API turns them into ``userErrors``
and the CLI into one line on stderr. Anything else is a bug and is masked from clients.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: which field, what was expected, and a stable code."""

    code: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class GraphsvcError(Exception):
    """Base of every expected error; carries one or more problems."""

    code = "ERROR"

    def __init__(self, message: str, *, field: str = "", problems: Iterable[Problem] = ()):
        self.problems = list(problems) or [Problem(self.code, field, message)]
        super().__init__(str(self.problems[0]) if len(self.problems) == 1 else message)

    @property
    def field(self) -> str:
        return self.problems[0].field


class ValidationError(GraphsvcError):
    """The input does not satisfy the domain's rules; nothing was written."""

    code = "INVALID"


class NotFoundError(GraphsvcError):
    """An id that names nothing the caller may see (missing and hidden look the same)."""

    code = "NOT_FOUND"


class ConflictError(GraphsvcError):
    """The write contradicts what is stored (e.g. creating an id that exists)."""

    code = "CONFLICT"


class StoreUnavailableError(GraphsvcError):
    """The store cannot be reached; nothing was written."""

    code = "STORE_UNAVAILABLE"


def refusal(code: str, field: str, message: str) -> ValidationError:
    """Invalid input with a code of its own (which ``words`` can put into the caller's language)."""
    return ValidationError(message, problems=[Problem(code, field, message)])
