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


def spouse_get_for_user(user: Any, partner: Person, id_number: str) -> Person:
    """Return the person with ``id_number`` who is or was married to ``partner`` (a person of ``user``'s scope) in a
    registered marriage — also when that spouse lives outside the scope (a husband registered in another town).

    The one way a form may take someone outside the user's scope, and only through a family tie the registry
    holds: a number of anyone else, known or not, raises the same Http404.

    Raises:
        Http404: ``partner`` outside the scope, or no registered marriage of ``partner`` with that number.
    """
    from django.db.models import Q

    from jisheng.core.idnumber import normalise_id_number

    from .models import Marriage, PersonStatus

    number = normalise_id_number(id_number)
    if not number or not persons_for_user(user).filter(pk=partner.pk).exists():
        raise Http404
    marriages = Marriage.objects.filter(Q(husband=partner) | Q(wife=partner)).select_related("husband", "wife")
    for marriage in marriages.order_by("-start_date", "-id"):
        spouse = marriage.wife if marriage.husband_id == partner.pk else marriage.husband
        if spouse.id_number == number and spouse.status != PersonStatus.MERGED:
            return spouse
    raise Http404


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
