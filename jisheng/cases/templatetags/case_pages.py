"""Template filters of the case pages: ``{% load case_pages %}``.

``ymd`` and ``ymdhm`` write a date (or a datetime, in the current time zone) as ``2026-11-02`` and
``2026-11-02 09:30``: the same text as Django's ``date:"Y-m-d"`` and ``date:"Y-m-d H:i"`` (an empty string for
None, an empty string or anything that is not a date; ``ymdhm`` needs a datetime), at a fraction of their cost,
since a case page writes dozens of dates (every history entry, document, step and clock). ``csrf_input`` gives the
hidden CSRF field once for the many forms of a page.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def ymd(value: object) -> str:
    """``2026-11-02`` for a date or datetime (the latter already in the current time zone); "" otherwise."""
    if not isinstance(value, dt.date):
        return ""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


@register.filter(expects_localtime=True, is_safe=False)
def ymdhm(value: object) -> str:
    """``2026-11-02 09:30`` for a datetime (already in the current time zone); "" otherwise."""
    if not isinstance(value, dt.datetime):
        return ""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"


@register.simple_tag(takes_context=True)
def csrf_input(context: template.Context) -> str:
    """The hidden CSRF field ``{% csrf_token %}`` writes, as a value: ``{% csrf_input as csrf %}`` once, then
    ``{{ csrf }}`` in every form of a loop (the same token, as ``{% csrf_token %}`` gives within one page)."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's marker of a view exempt from CSRF
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
