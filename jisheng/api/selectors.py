"""Reads on API tokens (never the token itself: it is not stored)."""

from __future__ import annotations

from django.db.models import F, QuerySet

from .models import ApiToken


def api_tokens(*, include_revoked: bool = True) -> QuerySet[ApiToken]:
    """Every token (active ones first, then the most recently revoked; by name within each), with who created
    and revoked it."""
    qs = ApiToken.objects.select_related("created_by", "revoked_by")
    if not include_revoked:
        qs = qs.filter(revoked_at__isnull=True)
    return qs.order_by(F("revoked_at").desc(nulls_first=True), "name", "-created_at")
