"""Gatekeepers for cases: the only way a view or API operation gets a case or one of its documents.

A case is in a user's scope when its type is one the user may open (``<capability_ns>.view``, so a petition
clerk opens petitions and a town officer does not) and its area (the receiving town) lies in the user's area
subtree. Missing, out-of-area and not-yours-to-see cases all raise Http404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from jisheng.core.access import get_in_scope_or_404, in_scope

from . import types
from .models import Case, CaseDocument


def cases_for_user(user: Any) -> QuerySet[Case]:
    """Every case ``user`` may open: of a type they may view, inside their area scope."""
    keys = [t.key for t in types.viewable_types(user)]
    return in_scope(Case.objects.filter(case_type__in=keys), user, area_field="area")


def case_get_for_user(user: Any, number: str) -> Case:
    """Return the case with ``number`` if ``user`` may open it.

    Raises:
        Http404: no such case, outside the user's area, or of a type the user may not view (indistinguishable).
    """
    if "\x00" in number:  # PostgreSQL refuses NUL in a text comparison; no case number has one
        raise Http404
    keys = [t.key for t in types.viewable_types(user)]
    # the area's county and city too: the bodies a case names (remedies, the self-check's assessment) read them
    return get_in_scope_or_404(Case.objects.select_related("area__parent__parent").filter(case_type__in=keys),
                               user, area_field="area", number=number)


def case_document_get_for_user(user: Any, number: str, pk: Any) -> CaseDocument:
    """Return document ``pk`` of case ``number`` if ``user`` may open the case.

    Raises:
        Http404: no such document on that case, or the case is not the user's to see.
    """
    if "\x00" in number:
        raise Http404
    keys = [t.key for t in types.viewable_types(user)]
    return get_in_scope_or_404(CaseDocument.objects.select_related("case").filter(case__case_type__in=keys), user,
                               area_field="case__area", case__number=number, pk=pk)
