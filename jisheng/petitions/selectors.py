"""Reads of petitions: the citizen's tracking page, the clerk's to-do, overdue and watch lists, town inboxes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from .enums import Channel
from .models import TRACKING_ALPHABET, TRACKING_LENGTH, Petition, PetitionAssignment, SensitivePeriod


def normalise_tracking_code(code: str) -> str:
    """``code`` upper-cased without spaces or dashes (what a citizen may type)."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -")


def petition_by_tracking_code(code: str) -> Petition | None:
    """The petition with tracking code ``code`` (public; case-insensitive, spaces and dashes ignored), or None
    for an unknown or malformed code."""
    code = normalise_tracking_code(code)
    if len(code) != TRACKING_LENGTH or any(ch not in TRACKING_ALPHABET for ch in code):
        return None
    return Petition.objects.select_related("case").filter(tracking_code=code).first()


def _clock_due(petition: Petition, kind: str) -> dt.date | None:
    c = petition.case.clocks.filter(kind=kind).order_by("-id").first()
    return c.due if c is not None else None


def public_status(petition: Petition) -> dict[str, Any]:
    """What the citizen (tracking page) and the hotline (API) see of ``petition``: no staff names, no other
    persons. ``{"tracking_code", "number", "subject", "received_on", "status", "status_label", "acceptance_due",
    "conclusion_due", "reply": {"text", "replied_on", "round"} | None, "satisfaction": label | None}`` (dates)."""
    from jisheng.cases import types

    case = petition.case
    workflow = types.get(case.case_type).workflow
    reply = petition.replies.order_by("-sent_on", "-id").first()
    follow_up = petition.follow_ups.filter(round=reply.round).first() if reply is not None else None
    return {
        "tracking_code": petition.tracking_code,
        "number": case.number,
        "subject": petition.subject,
        "received_on": case.application_date,
        "status": case.status,
        "status_label": str(workflow.statuses.get(case.status, case.status)),
        "acceptance_due": _clock_due(petition, "acceptance"),
        "conclusion_due": _clock_due(petition, "conclusion"),
        "reply": None if reply is None else {"text": reply.text, "replied_on": reply.sent_on, "round": reply.round,
                                             "round_label": str(reply.get_round_display())},
        "satisfaction": str(follow_up.get_result_display()) if follow_up is not None else None,
    }


def petitions_for_user(user: Any) -> QuerySet[Petition]:
    """The petitions whose case ``user`` may open (the engine's case scope, named officers excluded)."""
    from jisheng.cases.access import cases_for_user

    return Petition.objects.filter(case__in=cases_for_user(user).filter(case_type="petition")).select_related("case")


#: Statuses in which the petition is still being handled (a clock of the commission runs).
OPEN_STATUSES = ("registered", "accepted", "answered", "review", "review_answered", "re_review",
                 "re_review_answered")


def _next_due(petition: Petition) -> dt.date | None:
    dues = [c.due for c in petition.case.clocks.all() if c.met_on is None and c.due is not None]
    return min(dues) if dues else None


def clerk_todo(user: Any) -> list[dict[str, Any]]:
    """The clerk's to-do (待办): open petitions in scope, nearest running due date first (those without one last),
    each ``{"petition", "due", "clocks": [running CaseClock], "assignments": [PetitionAssignment]}``."""
    rows: list[dict[str, Any]] = []
    qs = (petitions_for_user(user).filter(case__status__in=OPEN_STATUSES)
          .prefetch_related("case__clocks", "assignments__area"))
    for p in qs:
        rows.append({"petition": p, "due": _next_due(p),
                     "clocks": [c for c in p.case.clocks.all() if c.met_on is None],
                     "assignments": list(p.assignments.all())})
    rows.sort(key=lambda r: (r["due"] is None, r["due"] or dt.date.max, r["petition"].pk))
    return rows


def overdue(user: Any, today: dt.date) -> list[dict[str, Any]]:
    """Petitions in scope with a running clock whose (possibly extended) due date is before ``today`` — overdue
    the day after the due date, not on it. Rows ``{"petition", "clocks": [overdue CaseClock]}``, oldest first."""
    from jisheng.cases.models import CaseClock

    clocks = (CaseClock.objects.filter(case__in=petitions_for_user(user).values("case"), met_on__isnull=True,
                                       due__lt=today).select_related("case__petition").order_by("due", "id"))
    rows: dict[int, dict[str, Any]] = {}
    for c in clocks:
        rows.setdefault(c.case_id, {"petition": c.case.petition, "clocks": []})["clocks"].append(c)
    return list(rows.values())


def periods_on(day: dt.date) -> QuerySet[SensitivePeriod]:
    """The sensitive periods that include ``day``."""
    return SensitivePeriod.objects.filter(start__lte=day, end__gte=day)


def watch_list(period: SensitivePeriod, user: Any) -> QuerySet[Petition]:
    """The watch list for ``period``: petitions in scope marked by hand (``watch``), flagged for a supervisor,
    group visits, repeats, or received during the period while still open."""
    return (petitions_for_user(user)
            .filter(Q(watch=True) | Q(supervisor_flag=True) | Q(group_size__gt=1) | Q(repeat_of__isnull=False)
                    | Q(case__application_date__range=(period.start, period.end)))
            .exclude(case__status="closed", watch=False, supervisor_flag=False)
            .order_by("-received_at"))


def daily_report(day: dt.date, user: Any) -> dict[str, Any]:
    """The daily report (日报) for ``day``: petitions received that day by channel, group visits, repeats, overdue
    ones, those flagged for a supervisor, and the sensitive periods that day with their watch lists' sizes."""
    scoped = petitions_for_user(user)
    received = scoped.filter(case__application_date=day)
    by_channel = {str(label): received.filter(channel=key).count() for key, label in Channel.choices}
    periods = list(periods_on(day))
    return {
        "day": day,
        "received": received.count(),
        "by_channel": by_channel,
        "group_visits": received.filter(group_size__gt=1).count(),
        "repeats": received.filter(repeat_of__isnull=False).count(),
        "overdue": len(overdue(user, day)),
        "flagged": scoped.filter(supervisor_flag=True).count(),
        "periods": [{"period": p, "watched": watch_list(p, user).count()} for p in periods],
    }


def assignments_for_user(user: Any) -> QuerySet[PetitionAssignment]:
    """The assignments (交办件) of ``user``'s towns: assigned to an area inside their area subtree, never those of
    a petition complaining about them by name. Town officers see these instead of the case; views mask the
    petitioner (:func:`assignment_view`)."""
    from jisheng.core.access import in_scope

    if not getattr(user, "has_capability", lambda c: False)("petitions.respond"):
        return PetitionAssignment.objects.none()
    qs = PetitionAssignment.objects.filter(area__isnull=False).exclude(petition__complained_user_id=user.pk)
    return in_scope(qs, user, area_field="area").select_related("petition__case", "area").order_by("due", "id")


def party_names(petition: Petition) -> list[str]:
    """Every name the petition's parties go by (the petitioner's and each representative's, as typed and as the
    registry has it): what must never reach a town in full. Reads ``petition.case.applicants.all()``, so a list
    that prefetches ``petition__case__applicants__person`` runs no query per row."""
    names: list[str] = []
    for party in petition.case.applicants.all():
        if party.role not in ("petitioner", "representative"):
            continue
        names.append(party.name)
        if party.person is not None:
            names.append(party.person.name)
    return [n for n in names if n and n.strip()]


def withheld_from(assignment: PetitionAssignment, user: Any) -> bool:
    """Whether ``user``, reading ``assignment``, is the unit complained about and so learns nothing of who
    complained: the petition names them, or complains about the assigned town (its area, or one of its officers:
    :func:`jisheng.petitions.documents.identity_withheld`, the rule the assignment sheet follows)
    (``petition-reg-2005/art-23``; ``petition-work-reg-2022/art-30/para-3``)."""
    from .documents import identity_withheld

    petition = assignment.petition
    return petition.complained_user_id == getattr(user, "pk", None) or identity_withheld(petition, assignment)


def unit_text(assignment: PetitionAssignment, user: Any, text: str) -> str:
    """``text`` of ``assignment``'s petition (its subject, content, the instruction) as the assigned town may read
    it: ID numbers and phones masked, every party's name masked to the surname — or, for the unit complained
    about (:func:`withheld_from`), replaced by 信访人 and the numbers removed."""
    from .documents import redact

    return redact(text, party_names(assignment.petition), withheld=withheld_from(assignment, user))


def assignments_listed(user: Any) -> QuerySet[PetitionAssignment]:
    """:func:`assignments_for_user` with what :func:`unit_text` reads of each row loaded up front (the parties, the
    unit or officer complained about), for the inbox and the workbench."""
    return assignments_for_user(user).select_related(
        "petition__complained_area", "petition__complained_user__area").prefetch_related(
        "petition__case__applicants__person")


def assignment_view(assignment: PetitionAssignment, user: Any) -> dict[str, Any]:
    """What the assigned town's officer sees of an assignment: the matter, the instruction and due date with every
    party's name and number masked (:func:`unit_text`), and the petitioner masked — withheld entirely (``None``,
    ``identity_withheld``) when the petition complains about their unit, one of its officers or them
    (:func:`withheld_from`; ``petition-reg-2005/art-23``; ``petition-work-reg-2022/art-30/para-3``)."""
    from jisheng.core.masking import mask_name, mask_phone

    petition = assignment.petition
    complained = withheld_from(assignment, user)
    petitioner = None
    if not complained:
        party = petition.case.applicants.filter(role="petitioner").select_related("person").first()
        if party is not None:
            petitioner = {"name": mask_name(party.display_name), "phone": mask_phone(party.phone)}
    return {"assignment": assignment, "number": petition.case.number,
            "subject": unit_text(assignment, user, petition.subject),
            "content": unit_text(assignment, user, petition.content), "received_on": petition.case.application_date,
            "due": assignment.due, "instruction": unit_text(assignment, user, assignment.instruction),
            "status": assignment.status, "status_label": assignment.get_status_display(), "petitioner": petitioner,
            "identity_withheld": complained}
