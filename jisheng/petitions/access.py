"""Gatekeepers for petitions: the only way a view or API operation gets a petition or an assignment.

Missing, out-of-scope and not-yours-to-see all raise Http404 alike.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from jisheng.cases.access import case_get_for_user

from .models import Petition, PetitionAssignment
from .selectors import assignments_for_user


def petition_get_for_user(user: Any, number: str) -> Petition:
    """The petition of case ``number`` if ``user`` may open the case (the engine's access: type, area scope, and
    never a petition complaining about that officer by name).

    Raises:
        Http404: no such petition, or not the user's to see (indistinguishable).
    """
    case = case_get_for_user(user, number)
    try:
        return Petition.objects.select_related("case").get(case=case)
    except Petition.DoesNotExist:
        raise Http404 from None


def assignment_get_for_user(user: Any, pk: Any) -> PetitionAssignment:
    """Assignment ``pk`` if it was assigned to a town in ``user``'s area subtree (a town officer's inbox) and the
    petition does not complain about them by name.

    Raises:
        Http404: no such assignment, or not the user's (indistinguishable).
    """
    try:
        return assignments_for_user(user).get(pk=int(pk))
    except (PetitionAssignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
