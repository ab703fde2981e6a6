"""Reads of the law app: provisions, instruments, calendar days, recomputation history."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jisheng.core.errors import InvalidInput

from .models import CalendarDay, CalendarYear, DeadlineRecomputation, InstrumentVersion, LegalInstrument, Provision


def provision_get(key: str) -> Provision:
    """The provision with citation key ``key`` (e.g. ``js-pfp-reg-2002/art-22/item-6``).

    Raises :class:`InvalidInput` when it is not in the database (run ``jisheng bootstrap``).
    """
    try:
        return Provision.objects.select_related("version__instrument").get(key=key)
    except Provision.DoesNotExist:
        raise InvalidInput(_("未知的条款引用键 %(k)s。") % {"k": key}, location=key) from None


def provision_search(query: str = "", *, instrument: str = "", limit: int = 200) -> QuerySet[Provision]:
    """Provisions matching ``query`` in key, title, summary or instrument title (all when empty)."""
    qs = Provision.objects.select_related("version__instrument").order_by("version__instrument__key",
                                                                         "version__effective", "article",
                                                                         "paragraph", "item")
    if instrument:
        qs = qs.filter(version__instrument__key=instrument)
    for word in query.split():
        qs = qs.filter(Q(key__icontains=word) | Q(title__icontains=word) | Q(summary__icontains=word)
                       | Q(version__instrument__title__icontains=word)
                       | Q(version__instrument__short_title__icontains=word))
    return qs[:limit]


def instrument_list() -> QuerySet[LegalInstrument]:
    """Every instrument with its versions, by key."""
    return LegalInstrument.objects.prefetch_related("versions").order_by("level", "key")


def versions_in_force(on: dt.date) -> QuerySet[InstrumentVersion]:
    """Instrument versions in force on ``on`` (effective ≤ on < valid_to)."""
    return InstrumentVersion.objects.filter(Q(effective__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def calendar_days(year: int) -> QuerySet[CalendarDay]:
    """The holidays and make-up workdays of ``year``."""
    return CalendarDay.objects.filter(date__year=year).order_by("date")


def calendar_years() -> QuerySet[CalendarYear]:
    return CalendarYear.objects.order_by("year")


def recomputations(limit: int = 100) -> QuerySet[DeadlineRecomputation]:
    """The latest recorded deadline moves."""
    return DeadlineRecomputation.objects.select_related("actor").order_by("-at", "-id")[:limit]
