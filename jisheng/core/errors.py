"""Domain errors shared by all apps.

Views translate them into messages (:func:`for_people`); CLI commands into exit code 2 with the message. Every
error says what is wrong and where (file, row, field) when it knows.
"""

from __future__ import annotations

import re

#: A location that is an internal field key (``provision_keys``, ``on``), not words for people.
_FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class DomainError(Exception):
    """Base class of the platform's own errors. ``str(error)`` is a message fit for the user."""


class InvalidInput(DomainError):
    """Input is wrong. ``location`` names where (``"file.yaml:12"``, ``"row 5, 身份证号"``, a field name)."""

    def __init__(self, message: str, *, location: str | None = None) -> None:
        self.location = location
        self.message = message
        super().__init__(f"{location}: {message}" if location else message)


class Conflict(InvalidInput):
    """The input conflicts with what is recorded already: the same record submitted twice (a double click, two
    officers at once) or a value that must be unique in use. Nothing was written. Pages show the message like any
    refusal; the API answers 409."""


class TransitionNotAllowed(DomainError):
    """A workflow action is not allowed in the current status; nothing was changed."""


class NotPermitted(DomainError):
    """The actor lacks the capability for this action."""


class AppendOnlyViolation(DomainError):
    """Someone tried to change or delete an append-only record (audit events, case events)."""


def for_people(error: Exception) -> str:
    """``error`` as a page shows it. A location written for people (``公民身份号码``, ``第 5 行``, ``roster.csv:12``)
    stays in front of the message; an internal field key (``provision_keys``, ``on``, ``backdate_reason``) is left
    out — the message itself names the field (``法律依据“…”不是法规库中的条款``) — so no page shows a code's name."""
    if isinstance(error, InvalidInput) and error.location and _FIELD_KEY.match(error.location):
        return error.message
    return str(error)
