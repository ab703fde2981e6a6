"""Reads of petitions: the citizen's tracking page, the clerk's to-do, overdue and watch lists, town inboxes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .models import TRACKING_ALPHABET, TRACKING_LENGTH, Petition


def normalise_tracking_code(code: str) -> str:
    """``code`` upper-cased without spaces or dashes (what a citizen may type)."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -")


def petition_by_tracking_code(code: str) -> Petition | None:
    """The petition with tracking code ``code`` (public; case-insensitive, spaces and dashes ignored), or None
    for an unknown or malformed code."""
    code = normalise_tracking_code(code)
    if len(code) != TRACKING_LENGTH or any(ch not in TRACKING_ALPHABET for ch in code):
        return None
    return Petition.objects.select_related("case").filter(tracking_code=code).first()


def _clock_due(petition: Petition, kind: str) -> dt.date | None:
    c = petition.case.clocks.filter(kind=kind).order_by("-id").first()
    return c.due if c is not None else None


def public_status(petition: Petition) -> dict[str, Any]:
    """What the citizen (tracking page) and the hotline (API) see of ``petition``: no staff names, no other
    persons. ``{"tracking_code", "number", "subject", "received_on", "status", "status_label", "acceptance_due",
    "conclusion_due", "reply": {"text", "replied_on", "round"} | None, "satisfaction": label | None}`` (dates)."""
    from jisheng.cases import types

    case = petition.case
    workflow = types.get(case.case_type).workflow
    reply = petition.replies.order_by("-sent_on", "-id").first()
    follow_up = petition.follow_ups.filter(round=reply.round).first() if reply is not None else None
    return {
        "tracking_code": petition.tracking_code,
        "number": case.number,
        "subject": petition.subject,
        "received_on": case.application_date,
        "status": case.status,
        "status_label": str(workflow.statuses.get(case.status, case.status)),
        "acceptance_due": _clock_due(petition, "acceptance"),
        "conclusion_due": _clock_due(petition, "conclusion"),
        "reply": None if reply is None else {"text": reply.text, "replied_on": reply.sent_on, "round": reply.round,
                                             "round_label": str(reply.get_round_display())},
        "satisfaction": str(follow_up.get_result_display()) if follow_up is not None else None,
    }
