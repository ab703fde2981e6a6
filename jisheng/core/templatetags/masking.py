"""Template filters for masked display: ``{% load masking %}`` then ``{{ text|mask_text }}``."""

from __future__ import annotations

from django import template

from jisheng.core import masking

register = template.Library()


@register.filter
def mask_text(value: object) -> str:
    """Mask ID and mobile numbers in ``value`` (contract §3)."""
    return masking.mask_text(str(value or ""))
