"""Keyset pagination of staff lists: newest first by id, "next" and "previous" links that carry an id cursor.

A list page reads its cursors with :func:`id_cursor` (anything that is not a whole number between 1 and 2**63 - 1
is no cursor: a tampered link shows the first page instead of failing) and cuts its queryset with
:func:`id_desc_page`, which runs one query whatever the position in the list (no OFFSET, no COUNT).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet

T = TypeVar("T")

#: The largest id a database column (bigint) holds; a larger cursor would overflow the query parameter.
_MAX_ID = 2**63 - 1


def id_cursor(query: Mapping[str, Any], name: str) -> int | None:
    """The id cursor ``name`` of a query string (``request.GET``), or None when absent or not a valid id.

    >>> id_cursor({"after": "42"}, "after"), id_cursor({"after": "-1"}, "after"), id_cursor({"after": "x"}, "after")
    (42, None, None)
    """
    raw = str(query.get(name, "") or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if 1 <= value <= _MAX_ID else None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a keyset list: its rows, the cursor of the next (older) page and of the previous (newer) one
    (None when there is none)."""

    rows: list[T]
    next_cursor: int | None
    previous_cursor: int | None


def id_desc_page(queryset: QuerySet[Any], *, after: int | None = None, newer: int | None = None,
                 size: int = 50) -> Page[Any]:
    """One page of ``queryset`` newest first by id: the ``size`` rows older than ``after`` (id < after), or, given
    ``newer`` (a "previous" link), the ``size`` rows just newer than it (id > newer), still shown newest first.

    One query (``size + 1`` rows, to know whether another page follows). ``queryset`` keeps its filters and
    ``select_related``; its ordering is replaced by the id.
    """
    if newer is not None:
        rows = list(queryset.filter(pk__gt=newer).order_by("pk")[:size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return Page(rows, rows[-1].pk if rows else None, rows[0].pk if rows and more_newer else None)
    qs = queryset.order_by("-pk")
    if after is not None:
        qs = qs.filter(pk__lt=after)
    rows = list(qs[:size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    return Page(rows, rows[-1].pk if rows and more_older else None, rows[0].pk if rows and after is not None else None)
