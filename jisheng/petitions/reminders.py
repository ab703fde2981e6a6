"""Who is reminded of a petition's clocks (plugged into the engine's reminders, :mod:`jisheng.cases.reminders`).

The engine reminds the petition's handlers (clerks whose area holds the receiving body). An assigned town's answer
clock (``unit_response``, instance ``"A<assignment pk>"``) is also the town's duty: its officers who may answer
assignments (``petitions.respond``, area inside the assigned town) are reminded too and led to the assignment page
(they cannot open the case), less an officer the petition names (``petition-work-reg-2022/art-30/para-3``,
``petition-reg-2005/art-23``: nothing of a complaint reaches the person complained about). The reminder line says only
the case number and the clock, never the petitioner.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse


def _assignment_pk(instance: str) -> int | None:
    return int(instance[1:]) if instance.startswith("A") and instance[1:].isdigit() else None


def recipients(clock: Any, handlers: list[Any]) -> Iterable[Any]:
    """The engine's handlers, plus, for an assignment's answer clock, the assigned town's officers (not one the
    petition names). Shape: ``(CaseClock, [User]) -> [User]``."""
    from jisheng.accounts.models import User
    from jisheng.accounts.roles import roles_with

    from .models import PetitionAssignment

    pk = _assignment_pk(clock.instance) if clock.kind == "unit_response" else None
    if pk is None:
        return handlers
    assignment = PetitionAssignment.objects.filter(pk=pk, petition__case_id=clock.case_id).select_related(
        "area", "petition").first()
    if assignment is None or assignment.area is None:
        return handlers
    officers = User.objects.filter(is_active=True, role__in=roles_with("petitions.respond"),
                                   area__path__startswith=assignment.area.path)
    if assignment.petition.complained_user_id:
        officers = officers.exclude(pk=assignment.petition.complained_user_id)
    seen = {u.pk for u in handlers}
    return [*handlers, *(u for u in officers.order_by("pk") if u.pk not in seen)]


def link(clock: Any, user: Any) -> str | None:
    """Where a recipient who cannot open the case page handles the clock: the assignment page (None otherwise)."""
    pk = _assignment_pk(clock.instance) if clock.kind == "unit_response" else None
    return reverse("petitions:assignment", args=[pk]) if pk is not None else None
