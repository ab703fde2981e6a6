"""Gatekeepers for cases: the only way a view or API operation gets a case or one of its documents.

A case is in a user's scope when its type is one the user may open (``<capability_ns>.view``, so a petition
clerk opens petitions and a town officer does not) and its area (the receiving town) lies in the user's area
subtree. Missing, out-of-area and not-yours-to-see cases all raise Http404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from jisheng.core.access import get_in_scope_or_404, in_scope

from . import types
from .models import Case, CaseDocument


def _excluded(user: Any, viewable: list[types.CaseType]) -> Q | None:
    """A ``Q`` over cases: those of the viewable types that the types' ``scope_exclude`` keeps from ``user``
    (None when no viewable type excludes anything)."""
    combined: Q | None = None
    for t in viewable:
        if t.scope_exclude is not None:
            part = Q(case_type=t.key) & t.scope_exclude(user)
            combined = part if combined is None else combined | part
    return combined


def _filtered(queryset: QuerySet[Any], user: Any, viewable: list[types.CaseType], prefix: str = "") -> QuerySet[Any]:
    """``queryset`` without the excluded cases; ``prefix`` (``"case__"``) is the path from its model to the case."""
    excluded = _excluded(user, viewable)
    if excluded is None:
        return queryset
    if not prefix:
        return queryset.exclude(excluded)
    return queryset.exclude(**{prefix + "in": Case.objects.filter(excluded).values("pk")})


def cases_for_user(user: Any) -> QuerySet[Case]:
    """Every case ``user`` may open: of a type they may view, inside their area scope, minus the cases the type's
    ``scope_exclude`` keeps from them (e.g. a petition complaining about that officer)."""
    viewable = types.viewable_types(user)
    keys = [t.key for t in viewable]
    return in_scope(_filtered(Case.objects.filter(case_type__in=keys), user, viewable), user, area_field="area")


def case_get_for_user(user: Any, number: str) -> Case:
    """Return the case with ``number`` if ``user`` may open it.

    Raises:
        Http404: no such case, outside the user's area, or of a type the user may not view (indistinguishable).
    """
    if "\x00" in number:  # PostgreSQL refuses NUL in a text comparison; no case number has one
        raise Http404
    viewable = types.viewable_types(user)
    keys = [t.key for t in viewable]
    # the area's county and city too: the bodies a case names (remedies, the self-check's assessment) read them
    cases = _filtered(Case.objects.select_related("area__parent__parent").filter(case_type__in=keys), user, viewable)
    return get_in_scope_or_404(cases, user, area_field="area", number=number)


def case_document_get_for_user(user: Any, number: str, pk: Any) -> CaseDocument:
    """Return document ``pk`` of case ``number`` if ``user`` may open the case.

    Raises:
        Http404: no such document on that case, or the case is not the user's to see.
    """
    if "\x00" in number:
        raise Http404
    viewable = types.viewable_types(user)
    keys = [t.key for t in viewable]
    documents = _filtered(CaseDocument.objects.select_related("case").filter(case__case_type__in=keys), user,
                          viewable, prefix="case__")
    return get_in_scope_or_404(documents, user, area_field="case__area", case__number=number, pk=pk)
