"""Domain errors shared by all apps.

Views translate them into messages; CLI commands into exit code 2 with the message. Every error says
what is wrong and where (file, row, field) when it knows.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class of the platform's own errors. ``str(error)`` is a message fit for the user."""


class InvalidInput(DomainError):
    """Input is wrong. ``location`` names where (``"file.yaml:12"``, ``"row 5, 身份证号"``, a field name)."""

    def __init__(self, message: str, *, location: str | None = None) -> None:
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class TransitionNotAllowed(DomainError):
    """A workflow action is not allowed in the current status; nothing was changed."""


class NotPermitted(DomainError):
    """The actor lacks the capability for this action."""


class AppendOnlyViolation(DomainError):
    """Someone tried to change or delete an append-only record (audit events, case events)."""
