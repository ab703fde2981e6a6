"""Gatekeepers for registry objects: the only way a view or API operation gets a protected record.

A person is in a user's scope when their residence area (``residence_area``) lies in the user's area
subtree. Missing and out-of-scope records both raise Http404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from jisheng.core.access import get_in_scope_or_404, in_scope

from .models import DuplicateCandidate, Person, RosterImport

PERSON_AREA_FIELD = "residence_area"


def persons_for_user(user: Any) -> QuerySet[Person]:
    """Return every person (any status) inside ``user``'s area scope."""
    return in_scope(Person.objects.all(), user, area_field=PERSON_AREA_FIELD)


def person_get_for_user(user: Any, pk: Any) -> Person:
    """Return the person with primary key ``pk`` if inside ``user``'s scope.

    Raises:
        Http404: no such person, or outside the user's area.
    """
    return get_in_scope_or_404(
        Person.objects.select_related("residence_area", "hukou_area", "household"), user,
        area_field=PERSON_AREA_FIELD, pk=pk,
    )


def duplicates_for_user(user: Any) -> QuerySet[DuplicateCandidate]:
    """Duplicate candidates whose two records both live inside ``user``'s scope.

    A pair across two towns (a returning migrant registered again) shows both families side by side and a
    merge rewrites both records, so it belongs to a user whose area holds both: the county-level office.
    """
    return in_scope(in_scope(in_scope(DuplicateCandidate.objects.all(), user, area_field="area"), user,
                             area_field=f"person_a__{PERSON_AREA_FIELD}"), user,
                    area_field=f"person_b__{PERSON_AREA_FIELD}")


def duplicate_get_for_user(user: Any, pk: Any) -> DuplicateCandidate:
    """Return the duplicate candidate ``pk`` if it and both its records are inside ``user``'s scope.

    Raises:
        Http404: missing, or it or either record outside the user's area.
    """
    try:
        return duplicates_for_user(user).select_related("person_a", "person_b").get(pk=pk)
    except (DuplicateCandidate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def roster_import_get_for_user(user: Any, pk: Any) -> RosterImport:
    """Return the roster import ``pk`` if its area is inside ``user``'s scope.

    Raises:
        Http404: missing or outside the user's area.
    """
    return get_in_scope_or_404(RosterImport.objects.all(), user, area_field="area", pk=pk)
