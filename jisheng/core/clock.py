"""The one clock of the application.

Rules never read the clock: they take ``as_of`` explicitly. Everything else asks this module for
"now" and "today", so tests can set the time with :func:`frozen`.

Times are aware datetimes; "today" is the calendar date in China Standard Time (Asia/Shanghai).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.utils import timezone

CST = ZoneInfo("Asia/Shanghai")
_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """Return the current aware datetime (UTC-based, as Django stores it)."""
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    """Return today's date in China Standard Time."""
    return now().astimezone(CST).date()


def local(value: dt.datetime) -> dt.datetime:
    """Return ``value`` converted to China Standard Time for display."""
    return value.astimezone(CST)


@contextlib.contextmanager
def frozen(at: dt.datetime | dt.date) -> Iterator[None]:
    """Freeze :func:`now` at ``at`` (a date means 09:00 CST that day) inside the ``with`` block."""
    global _frozen
    if not isinstance(at, dt.datetime):
        at = dt.datetime.combine(at, dt.time(9, 0), tzinfo=CST)
    if at.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    previous, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = previous
