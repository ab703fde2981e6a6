"""Law API (contract §1): ``GET /api/v1/law/deadline``. Public: computes dates only, no personal data.

No ``from __future__ import annotations`` here: django-ninja resolves parameter annotations at import.
"""

import datetime as dt
from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from jisheng.core.api import api_scope
from jisheng.core.errors import InvalidInput

router = Router(tags=["law"])


class DeadlineOut(Schema):
    due: str | None
    explanation: list[str]


USAGE = "用法：GET /api/v1/law/deadline?start=YYYY-MM-DD&days=N&unit=working|calendar|months[&suspend=A:B][&extend=N]"


@router.get("/deadline", response=DeadlineOut, auth=None, url_name="law_deadline")
@api_scope(public=True)
def deadline(request: HttpRequest, start: date | None = None, days: int | None = None, unit: str = "working",
             suspend: list[str] = Query([]), extend: int = 0) -> dict[str, Any]:  # type: ignore[type-arg]  # noqa: B008
    """The due date of a statutory period and its explanation (contract §1).

    ``unit``: working | calendar | months; ``suspend``: ``A:B`` inclusive (repeatable); ``extend``: extra
    units once. 400 with a message naming the field, or the missing calendar year. Without ``start`` and
    ``days``: ``{"due": null, "explanation": [usage]}``.
    """
    from jisheng.law.deadlines import compute_due

    if start is None and days is None:
        return {"due": None, "explanation": [USAGE]}
    if start is None or days is None:
        raise HttpError(400, "start 与 days 必须同时提供。")
    suspensions = []
    for raw in suspend:
        first, sep, last = raw.partition(":")
        try:
            if not sep:
                raise ValueError(raw)
            suspensions.append((dt.date.fromisoformat(first), dt.date.fromisoformat(last)))
        except ValueError:
            raise HttpError(400, f"suspend: 格式应为 YYYY-MM-DD:YYYY-MM-DD：{raw}") from None
    try:
        return compute_due(start, days, unit, suspensions=suspensions, extension=extend).to_dict()
    except InvalidInput as exc:
        raise HttpError(400, str(exc)) from None
