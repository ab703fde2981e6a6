"""Reads shared by several apps: areas and the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from .models import Area, AreaLevel, AuditEvent
from .pagination import Page, id_desc_page

AUDIT_PAGE_SIZE = 50


def area_subtree(area: Area) -> QuerySet[Area]:
    """Return ``area`` and every area below it, in tree order."""
    return Area.objects.filter(path__startswith=area.path).order_by("path")


def area_by_code(code: str) -> Area | None:
    """Return the area with official ``code`` (6 or 12 digits), or None."""
    return Area.objects.filter(code=code).first()


def towns_of(area: Area) -> QuerySet[Area]:
    """Return the towns and sub-districts inside ``area``."""
    return area_subtree(area).filter(level=AreaLevel.TOWN)


def audit_events_for(
    user: Any,
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    before_id: int | None = None,
    newer_id: int | None = None,
    subjects: Q | None = None,
    limit: int = AUDIT_PAGE_SIZE,
) -> Page[AuditEvent]:
    """One page (newest first, keyset on id) of audit events visible to ``user`` with the filters, with the cursors
    of the pages around it.

    Events tied to an area are visible inside the user's scope; events without an area (failed sign-ins,
    calendar and law changes, a system export) only to accounts scoped at the municipality — the
    county-level city (太仓市, level COUNTY) whose commission runs the platform — or above. (It used to
    be CITY and above, which hid those events from the demo auditor and administrator, both scoped at
    太仓市.)

    ``subjects`` narrows to the events of some records (a person's, from :func:`jisheng.core.modules.audit_subjects`);
    ``limit`` is the page size (larger for an export). ``before_id`` continues to older events, ``newer_id`` (a
    "previous" link) goes back to the page of newer ones (:func:`jisheng.core.pagination.id_desc_page`).
    """
    area = getattr(user, "area", None)
    if area is None:
        return Page([], None, None)
    scope = Q(area__path__startswith=area.path)
    if area.level <= AreaLevel.COUNTY:
        scope |= Q(area__isnull=True)
    qs = AuditEvent.objects.filter(scope)
    if actor:
        qs = qs.filter(actor_label=actor)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    if subjects is not None:
        qs = qs.filter(subjects)
    return id_desc_page(qs, after=before_id, newer=newer_id, size=limit)
