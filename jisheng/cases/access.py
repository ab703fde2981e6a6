"""Gatekeepers for cases: the only way a view or API operation gets a case or one of its documents.

A case is in a user's scope when its area (the receiving town) lies in the user's area subtree.
Missing and out-of-scope cases both raise Http404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from jisheng.core.access import get_in_scope_or_404, in_scope

from .models import Case, CaseDocument


def cases_for_user(user: Any) -> QuerySet[Case]:
    """Every case inside ``user``'s area scope."""
    return in_scope(Case.objects.all(), user, area_field="area")


def case_get_for_user(user: Any, number: str) -> Case:
    """Return the case with ``number`` if inside ``user``'s scope.

    Raises:
        Http404: no such case, or outside the user's area (indistinguishable).
    """
    if "\x00" in number:  # PostgreSQL refuses NUL in a text comparison; no case number has one
        raise Http404
    return get_in_scope_or_404(Case.objects.select_related("area", "registered_by"), user, area_field="area",
                               number=number)


def case_document_get_for_user(user: Any, number: str, pk: Any) -> CaseDocument:
    """Return document ``pk`` of case ``number`` if the case is inside ``user``'s scope.

    Raises:
        Http404: no such document on that case, or the case is outside the user's area.
    """
    if "\x00" in number:
        raise Http404
    return get_in_scope_or_404(CaseDocument.objects.select_related("case"), user, area_field="case__area",
                               case__number=number, pk=pk)
