"""Staff petition pages (信访): the intake form, the panel on the engine's case page and its POST endpoints, the
town inbox of assignments (交办件), the clerk's to-do and overdue list, sensitive periods with their watch list,
the daily report and the figures.

Every petition is fetched through :mod:`.access` (404 for what the account may not open, alike for a missing
one); every write goes through :mod:`.services`, which checks the capability again. The case page itself is the
engine's (``cases:detail``); the panel (``petitions/panel.html``) reads its data through
:func:`panel_context`. Identities reach a town only masked, and not at all when the petition complains about
that town or names its officer (``petition-reg-2005/art-23``; ``petition-work-reg-2022/art-30/para-3``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from jisheng.accounts.roles import roles_with
from jisheng.core import clock
from jisheng.core.access import require, route_scope
from jisheng.core.errors import DomainError, InvalidInput, for_people

from . import access, forms, rules, selectors, services
from .enums import AssignmentStatus, DeliveryOutcome, ReplyRound
from .models import Petition

VIEWERS = roles_with("petitions.view")
REGISTRARS = roles_with("petitions.register")
HANDLERS = roles_with("petitions.change")
DECIDERS = roles_with("petitions.decide")
APPROVERS = roles_with("petitions.approve_extension")
SUPERVISORS = roles_with("petitions.supervise")
RESPONDERS = roles_with("petitions.respond")
#: Who may record a delivery attempt: the clerk for assignments and replies.
PANEL_WRITERS = HANDLERS | DECIDERS | APPROVERS | SUPERVISORS


def _may(user: Any, relative: str) -> bool:
    return bool(getattr(user, "has_capability", lambda c: False)(f"petitions.{relative}"))


# --- intake ------------------------------------------------------------------------------------------------------


def _area_choices(user: Any) -> list[tuple[str, str]]:
    """The towns of the user's area (the user's own town for a town account), as ``[(code, name)]``."""
    from jisheng.core.models import AreaLevel
    from jisheng.core.selectors import towns_of

    area = getattr(user, "area", None)
    if area is None:
        return []
    if area.level >= AreaLevel.TOWN:
        return [(area.code, area.name)]
    return [(a.code, a.name) for a in towns_of(area)]


def _officer_choices(user: Any) -> list[tuple[str, str]]:
    """Active staff accounts inside the user's area that a petition may name as complained about."""
    from jisheng.accounts.models import User

    area = getattr(user, "area", None)
    if area is None:
        return []
    rows = (User.objects.filter(is_active=True, area__path__startswith=area.path)
            .exclude(username__startswith="petitions-intake-").select_related("area")
            .order_by("area__path", "username"))
    return [(str(u.pk), f"{u}（{u.area.name if u.area else ''}）") for u in rows]


def _repeat_target(user: Any, text: str) -> Petition | None:
    """The earlier petition named by case number or tracking code, among those the user may open.

    Raises:
        InvalidInput: nothing the user may open carries that number or code (location ``repeat_of``).
    """
    from jisheng.cases.access import cases_for_user

    text = text.strip()
    if not text:
        return None
    try:
        return access.petition_get_for_user(user, text)
    except Http404:
        pass
    found = selectors.petition_by_tracking_code(text)
    if found is not None and cases_for_user(user).filter(pk=found.case_id).exists():
        return found
    raise InvalidInput(_("没有找到案号或查询码为 %(t)s 的信访件（仅限本辖区）") % {"t": text}, location="repeat_of")


def _already_registered(user: Any, d: dict[str, Any]) -> Petition | None:
    """The petition this clerk registered from the same form already (a double click, a resent form): same
    channel, receipt time, subject, content and petitioner. Read under a lock on the clerk's account, so two
    requests of one form never both pass (see :func:`intake`)."""
    return (Petition.objects.filter(case__registered_by=user, channel=d["channel"], received_at=d["received_at"],
                                    subject=d["subject"].strip()[:200], content=d["content"].strip(),
                                    case__applicants__role="petitioner", case__applicants__name=d["name"].strip())
            .select_related("case").first())


@route_scope(roles=REGISTRARS, methods=("GET", "POST"))
def intake(request: HttpRequest) -> HttpResponse:
    """Register a petition (登记信访): channel, receipt time, petitioner (a registry person with that exact ID
    number is linked), group visit with at most five representatives, subject and content, the area concerned,
    the unit or officer complained about, a forum post's link and screenshot, a repeat's first petition.

    A double submission registers once: the clerk's account row is locked while the form's petition is looked
    for and registered, so the second request finds the first one's petition and shows it."""
    from jisheng.accounts.models import User
    from jisheng.cases.services import case_attach_document
    from jisheng.core.models import Area

    user: Any = request.user
    now = clock.local(clock.now())
    form = forms.IntakeForm(request.POST or None, request.FILES or None, areas=_area_choices(user),
                            officers=_officer_choices(user),
                            initial={"received_on": now.date(), "received_time": now.strftime("%H:%M"),
                                     "group_size": 1})
    reps: Any = forms.RepresentativeFormSet(request.POST or None, prefix="rep")
    if request.method == "POST" and form.is_valid() & reps.is_valid():
        d = form.cleaned_data
        people = reps.people()
        if people and d["group_size"] < 2:
            form.add_error("group_size", _("登记了代表的为集体访，来访人数应不少于2人"))
        else:
            areas = {a.code: a for a in Area.objects.filter(code__in=[c for c in (d["concerned_area"],
                                                                                 d["complained_area"]) if c])}
            try:
                with transaction.atomic():
                    User.objects.select_for_update().filter(pk=user.pk).first()
                    petition = _already_registered(user, d)
                    created = petition is None
                    if petition is None:
                        petition, created = services.petition_receive(
                            channel=d["channel"], received_at=d["received_at"], subject=d["subject"],
                            content=d["content"], petitioner={"name": d["name"], "phone": d["phone"],
                                                              "id_number": d["id_number"], "address": d["address"]},
                            representatives=people, group_size=d["group_size"], order_no=d["order_no"],
                            concerned_area=areas.get(d["concerned_area"]),
                            complained_area=areas.get(d["complained_area"]),
                            complained_user=User.objects.filter(pk=d["complained_user"]).first()
                            if d["complained_user"] else None,
                            complained_name=d["complained_name"], forum_url=d["forum_url"],
                            repeat_of=_repeat_target(user, d["repeat_of"]), reply_channel=d["reply_channel"],
                            actor=user)
                        shot = d.get("screenshot")
                        if created and shot:
                            shot.seek(0)
                            case_attach_document(petition.case, kind="forum_screenshot",
                                                 name=shot.name or "screenshot", stream=shot, size=shot.size or 0,
                                                 actor=user)
            except DomainError as exc:
                location = getattr(exc, "location", None)
                field = {"repeat_of": "repeat_of", "representatives": None, "group_size": "group_size",
                         "received_at": "received_on", "file": "screenshot", "subject": "subject",
                         "content": "content"}.get(location or "")
                form.add_error(field, for_people(exc) if field is None else getattr(exc, "message", str(exc)))
            else:
                if created:
                    linked = petition.case.applicants.filter(role="petitioner", person__isnull=False).exists()
                    messages.success(request, _("已登记，案号 %(n)s，查询码 %(c)s。") % {
                        "n": petition.case.number, "c": petition.tracking_code}
                        + (_("信访人已关联人口信息。") if linked else ""))
                else:
                    messages.info(request, _("该信访件已登记（案号 %(n)s），重复提交未再次登记。") % {
                        "n": petition.case.number})
                return HttpResponseRedirect(reverse("cases:detail", args=[petition.case.number]))
    return render(request, "petitions/intake.html", {"form": form, "reps": reps,
                                                     "max_reps": forms.MAX_REPRESENTATIVES})


# --- the panel on the case page ----------------------------------------------------------------------------------


def _deliveries_by_paper(petition: Petition) -> tuple[dict[int, list[Any]], dict[int, list[Any]]]:
    """Every delivery attempt of the petition's assignments and replies (one query), grouped by paper; each
    failed attempt knows whether a retry follows it."""
    from django.db.models import Q

    from .models import Delivery

    rows: list[Any] = list(Delivery.objects.filter(Q(assignment__petition=petition) | Q(reply__petition=petition))
                .order_by("attempted_on", "id"))
    retried = {d.retry_of_id for d in rows if d.retry_of_id}
    by_assignment: dict[int, list[Any]] = {}
    by_reply: dict[int, list[Any]] = {}
    for d in rows:
        d.retried = d.pk in retried
        d.needs_retry = d.outcome == DeliveryOutcome.FAILED and d.pk not in retried
        if d.assignment_id:
            by_assignment.setdefault(d.assignment_id, []).append(d)
        else:
            by_reply.setdefault(d.reply_id, []).append(d)
    return by_assignment, by_reply


def _delivery_state(deliveries: list[Any]) -> str:
    """``delivered`` once an attempt was delivered; ``failed`` when the last attempt failed (never shown as
    delivered); ``sent`` while one is out; ``none`` before any attempt."""
    if any(d.outcome == DeliveryOutcome.DELIVERED for d in deliveries):
        return "delivered"
    if not deliveries:
        return "none"
    return "failed" if deliveries[-1].outcome == DeliveryOutcome.FAILED else "sent"


def _reply_round(case: Any) -> str:
    """The round the next reply answers: the last opinion's (first opinion, review, re-review)."""
    return {"review_answered": ReplyRound.REVIEW, "re_review_answered": ReplyRound.RE_REVIEW}.get(
        case.status, ReplyRound.ORIGINAL)


def panel_context(request: HttpRequest, case: Any, *, open_actions: set[str], blocked: dict[str, str],
                  can_decide: bool) -> dict[str, Any]:
    """What the petition panel shows on the engine's case page of ``case`` (already fetched through the engine's
    access function for ``request.user``): the regime and its wording, the routing forms, the assignments with
    every delivery attempt, the opinions, replies, follow-ups and flags, and the forms the viewer may use now
    (``open_actions``: the workflow actions open to them; ``can_decide``: the first-round opinion). A fixed number
    of queries whatever the number of assignments and attempts."""
    from jisheng.law.provisions import describe

    user = request.user
    petition = (Petition.objects.select_related("repeat_of__case", "concerned_area", "complained_area",
                                                "complained_user").filter(case=case).first())
    if petition is None:
        return {"petition": None}
    regime = petition.regime
    by_assignment, by_reply = _deliveries_by_paper(petition)
    assignments: list[Any] = list(petition.assignments.select_related("area").order_by("due", "id"))
    today = clock.today()
    for a in assignments:
        a.attempts = by_assignment.get(a.pk, [])
        a.delivery_state = _delivery_state(a.attempts)
        a.last_failed = next((d for d in reversed(a.attempts) if d.needs_retry), None)
        a.days_left = (a.due - today).days
        a.days_overdue = -a.days_left
        a.overdue = a.status != AssignmentStatus.ANSWERED and a.due < today
    replies: list[Any] = list(petition.replies.order_by("sent_on", "id"))
    for r in replies:
        r.attempts = by_reply.get(r.pk, [])
        r.delivery_state = _delivery_state(r.attempts)
        r.last_failed = next((d for d in reversed(r.attempts) if d.needs_retry), None)
    follow_ups = {f.round: f for f in petition.follow_ups.select_related("recorded_by")}
    opinions: list[Any] = list(petition.opinions.order_by("on", "id"))
    for o in opinions:
        o.basis = [describe(k) for k in o.provision_keys]
    linked = case.applicants.filter(role="petitioner", person__isnull=False).exists()
    handles = _may(user, "change")
    # those who do not handle the petition (a leader, an auditor) read the parties masked on the engine's part of
    # the page: the petition's texts, which name them too, are masked for them alike
    handles_parties = any(_may(user, rel) for rel in ("register", "change", "decide"))
    round_ = _reply_round(case)
    # the engine offers no decision form for a type whose panel takes its steps (``steps_in_panel``), so its
    # ``can_decide`` stays False: the first-round opinion is the panel's to offer to whoever may decide
    first_opinion = case.status == "accepted" and _may(user, "decide")
    review_opinion = "give_review_opinion" in open_actions or "give_re_review_opinion" in open_actions
    opinion_round = ("re_review" if "give_re_review_opinion" in open_actions else "review" if
                     "give_review_opinion" in open_actions else "original")
    wording = rules.wording(regime)
    opinion_names = {"original": wording["opinion"], "review": wording["review"], "re_review": wording["re_review"]}
    return {
        "petition": petition, "regime_label": _(wording["regulation"]), "wording": wording,
        "provisions": [(step, describe(key)) for step, key in rules.provisions(regime).items()
                       if step in ("acceptance", "opinion", "conclusion", "review", "re_review")],
        "mask_names": None if handles_parties else selectors.party_names(petition),
        "linked": linked, "assignments": assignments, "replies": replies, "opinions": opinions,
        "follow_ups": follow_ups,
        "replied_rounds": [r for r in replies if r.round not in follow_ups and r.received_on],
        "open": open_actions, "blocked": blocked,
        "can_route": handles and case.status == "registered",
        "can_assign": handles and case.status in ("accepted", "review", "re_review"),
        "can_deliver": handles, "can_opinion": can_decide or first_opinion or review_opinion,
        "opinion_round": opinion_round,
        "opinion_label": _(opinion_names[opinion_round]),
        "can_extend": _may(user, "approve_extension") and case.status == "accepted",
        "can_reply": "reply" in open_actions, "reply_round": ReplyRound(round_).label,
        "can_review": "request_review" in open_actions, "can_re_review": "request_re_review" in open_actions,
        "can_follow_up": handles, "can_clear_flag": _may(user, "supervise"),
        "town_choices": _area_choices(user) if handles else [],
        "assign_forms": _assign_formset(None, _area_choices(user)) if handles else None,
        "delivery_form": forms.DeliveryForm(initial={"on": today}),
        "opinion_form": forms.OpinionForm(initial={"on": today}),
        "proposed_basis": [{"key": k, "text": describe(k), "proposed": True, "in_force": True}
                           for k in [rules.provision(regime, "opinion" if opinion_round == "original"
                                                     else opinion_round)]],
        "channel_form": forms.ChannelForm(), "refer_form": forms.ReferForm(),
        "reply_form": forms.ReplyForm(initial={"channel": petition.reply_channel, "on": today}),
        "follow_up_form": forms.FollowUpForm(initial={"on": today}),
        "today": today,
    }


def _assign_formset(data: Any, areas: list[tuple[str, str]]) -> Any:
    """The assignment rows (several units at once), their town choices bound to the viewer's towns."""
    return forms.AssignmentFormSet(data, prefix="assign", areas=areas)  # type: ignore[call-arg]


def _back(petition: Petition, anchor: str = "petition-panel") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("cases:detail", args=[petition.case.number]) + f"#{anchor}")


def _run(request: HttpRequest, petition: Petition, fn: Callable[[], Any], anchor: str = "petition-panel",
         done: str = "") -> HttpResponseRedirect:
    try:
        fn()
    except DomainError as exc:
        messages.error(request, for_people(exc))
    else:
        messages.success(request, done or _("已保存。"))
    return _back(petition, anchor)


def _form_errors(form: Any) -> str:
    """The form's errors as one line (field label: message) for a message on the case page."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in getattr(form, "fields", {}) else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


def _invalid(request: HttpRequest, petition: Petition, form: Any, anchor: str = "petition-panel"
             ) -> HttpResponseRedirect:
    messages.error(request, _form_errors(form) or _("请检查填写的内容。"))
    return _back(petition, anchor)


@route_scope(roles=HANDLERS, obj="petitions.petition", methods=("POST",))
def petition_route(request: HttpRequest, number: str) -> HttpResponse:
    """Route a registered petition within 15 days: accept (受理), refer to the competent body (转送), tell the
    lawful procedure (告知依法定途径) or refuse a repeat after re-review (不予受理)."""
    petition = access.petition_get_for_user(request.user, number)
    action = request.POST.get("action", "")
    user = request.user
    if action == "accept":
        return _run(request, petition, lambda: services.petition_accept(petition, actor=user), "petition-routing")
    if action == "refer":
        form = forms.ReferForm(request.POST)
        if not form.is_valid():
            return _invalid(request, petition, form, "petition-routing")
        return _run(request, petition, lambda: services.petition_refer(
            petition, body=form.cleaned_data["body"], actor=user), "petition-routing")
    if action == "channel":
        channel_form = forms.ChannelForm(request.POST)
        if not channel_form.is_valid():
            return _invalid(request, petition, channel_form, "petition-routing")
        return _run(request, petition, lambda: services.petition_channel(
            petition, procedure=channel_form.cleaned_data["procedure"], body=channel_form.cleaned_data["body"],
            actor=user), "petition-routing")
    if action == "refuse_repeat":
        return _run(request, petition, lambda: services.petition_refuse_repeat(petition, actor=user),
                    "petition-routing")
    messages.error(request, _("请选择受理、转送、告知或不予受理。"))
    return _back(petition, "petition-routing")


@route_scope(roles=HANDLERS, obj="petitions.petition", methods=("POST",))
def petition_assign(request: HttpRequest, number: str) -> HttpResponse:
    """Assign the petition to one or several towns or units at once, each with its own response due date; all
    rows or none."""
    from jisheng.core.models import Area

    petition = access.petition_get_for_user(request.user, number)
    areas = _area_choices(request.user)
    rows_form = _assign_formset(request.POST, areas)
    note = forms.AssignInstructionForm(request.POST)
    if not (rows_form.is_valid() & note.is_valid()):
        errors = [e for f in rows_form.forms for e in [_form_errors(f)] if e]
        errors += [str(e) for e in rows_form.non_form_errors()]
        messages.error(request, "；".join(errors) or _form_errors(note) or _("请检查交办单位和期限。"))
        return _back(petition, "petition-assignments")
    rows = rows_form.rows()
    by_code = {a.code: a for a in Area.objects.filter(code__in=[r["area"] for r in rows if r["area"]])}

    def assign_all() -> None:
        with transaction.atomic():
            for r in rows:
                services.petition_assign(petition, area=by_code.get(r["area"]) if r["area"] else None,
                                         unit_name=r["unit_name"], due=r["due"],
                                         instruction=note.cleaned_data["instruction"], actor=request.user)

    return _run(request, petition, assign_all, "petition-assignments",
                _("已交办 %(n)d 个单位。") % {"n": len(rows)})


@route_scope(roles=HANDLERS, obj="petitions.petition", methods=("POST",))
def petition_deliver(request: HttpRequest, number: str) -> HttpResponse:
    """Record one delivery attempt of an assignment or of a reply (a retry names the failed attempt)."""
    petition = access.petition_get_for_user(request.user, number)
    form = forms.DeliveryForm(request.POST)
    anchor = "petition-assignments" if request.POST.get("assignment") else "petition-replies"
    if not form.is_valid():
        return _invalid(request, petition, form, anchor)
    d = form.cleaned_data
    assignment = reply = None
    try:
        if request.POST.get("assignment"):
            assignment = petition.assignments.get(pk=int(request.POST["assignment"]))
        else:
            reply = petition.replies.get(pk=int(request.POST.get("reply", "")))
    except (ValueError, TypeError, Exception):
        messages.error(request, _("请选择要送达的交办件或答复。"))
        return _back(petition, anchor)
    from .models import Delivery

    paper: dict[str, Any] = {"assignment": assignment} if assignment is not None else {"reply": reply}
    retry_of = Delivery.objects.filter(pk=d["retry_of"], **paper).first() if d.get("retry_of") else None
    return _run(request, petition, lambda: services.delivery_record(
        assignment=assignment, reply=reply, channel=d["channel"], on=d["on"], outcome=d["outcome"],
        failure_reason=d.get("failure_reason") or "", retry_of=retry_of, actor=request.user), anchor)


@route_scope(roles=DECIDERS, obj="petitions.petition", methods=("POST",))
def petition_opinion(request: HttpRequest, number: str) -> HttpResponse:
    """The written opinion of the current round: support / explain / not support, the facts, the reasons and the
    provisions in force on its date."""
    petition = access.petition_get_for_user(request.user, number)
    form = forms.OpinionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, petition, form, "petition-opinion")
    d = form.cleaned_data
    keys = [k[:120] for k in request.POST.getlist("provision_keys")[:40]]
    return _run(request, petition, lambda: services.petition_give_opinion(
        petition, outcome=d["outcome"], facts=d["facts"], reasons=d["reasons"], provision_keys=keys,
        on=d.get("on"), actor=request.user), "petition-opinion")


@route_scope(roles=APPROVERS, obj="petitions.petition", methods=("POST",))
def petition_extend(request: HttpRequest, number: str) -> HttpResponse:
    """Extend the conclusion period once by at most 30 days (the head's approval; the petitioner is told)."""
    petition = access.petition_get_for_user(request.user, number)
    form = forms.ExtendForm(request.POST)
    if not form.is_valid():
        return _invalid(request, petition, form, "clocks")
    return _run(request, petition, lambda: services.petition_extend(
        petition, days=form.cleaned_data["days"], reason=form.cleaned_data["reason"], actor=request.user), "clocks")


@route_scope(roles=HANDLERS, obj="petitions.petition", methods=("POST",))
def petition_reply(request: HttpRequest, number: str) -> HttpResponse:
    """Send the reply of the current round through the petitioner's channel."""
    petition = access.petition_get_for_user(request.user, number)
    form = forms.ReplyForm(request.POST)
    if not form.is_valid():
        return _invalid(request, petition, form, "petition-replies")
    d = form.cleaned_data
    return _run(request, petition, lambda: services.petition_send_reply(
        petition, text=d["text"], channel=d["channel"], on=d["on"], actor=request.user), "petition-replies")


@route_scope(roles=HANDLERS, obj="petitions.petition", methods=("POST",))
def petition_reply_received(request: HttpRequest, number: str) -> HttpResponse:
    """Record the day the petitioner received a reply (it starts the review window)."""
    petition = access.petition_get_for_user(request.user, number)
    form = forms.DayForm(request.POST)
    reply = None
    if str(request.POST.get("reply", "")).isdigit():
        reply = petition.replies.filter(pk=int(request.POST["reply"])).first()
    if reply is None or not form.is_valid():
        return _invalid(request, petition, form, "petition-replies")
    return _run(request, petition, lambda: services.reply_mark_received(
        reply, on=form.cleaned_data["on"], actor=request.user), "petition-replies")


@route_scope(roles=HANDLERS, obj="petitions.petition", methods=("POST",))
def petition_review(request: HttpRequest, number: str) -> HttpResponse:
    """Record a request for review (复查) or re-review (复核); refused after the window with the service's
    message."""
    petition = access.petition_get_for_user(request.user, number)
    form = forms.ReviewRequestForm(request.POST)
    if not form.is_valid():
        return _invalid(request, petition, form, "petition-review")
    d = form.cleaned_data
    return _run(request, petition, lambda: services.petition_request_review(
        petition, on=d["on"], request=d["request_text"], re_review=bool(d.get("re_review")), actor=request.user),
        "petition-review")


@route_scope(roles=HANDLERS, obj="petitions.petition", methods=("POST",))
def petition_follow_up(request: HttpRequest, number: str) -> HttpResponse:
    """Record the one satisfaction follow-up of the last reply (a dissatisfied answer flags the case for a
    supervisor and never reopens it)."""
    petition = access.petition_get_for_user(request.user, number)
    form = forms.FollowUpForm(request.POST)
    if not form.is_valid():
        return _invalid(request, petition, form, "petition-follow-up")
    d = form.cleaned_data
    return _run(request, petition, lambda: services.follow_up_record(
        petition, result=d["result"], on=d["on"], note=d.get("note") or "", actor=request.user),
        "petition-follow-up")


@route_scope(roles=SUPERVISORS, obj="petitions.petition", methods=("POST",))
def petition_clear_flag(request: HttpRequest, number: str) -> HttpResponse:
    """Clear the supervisor flag (督办) with a note of what was done."""
    petition = access.petition_get_for_user(request.user, number)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, petition, form, "petition-flags")
    return _run(request, petition, lambda: services.supervisor_flag_clear(
        petition, note=form.cleaned_data["note"], actor=request.user), "petition-flags")


@route_scope(roles=HANDLERS, obj="petitions.petition", methods=("POST",))
def petition_watch(request: HttpRequest, number: str) -> HttpResponse:
    """Put the petition on (or take it off) the sensitive-period watch list by hand."""
    petition = access.petition_get_for_user(request.user, number)
    watch = request.POST.get("watch") == "1"
    return _run(request, petition, lambda: services.petition_set_watch(petition, watch=watch, actor=request.user),
                "petition-flags")


# --- the town inbox ----------------------------------------------------------------------------------------------


@route_scope(roles=RESPONDERS)
def inbox(request: HttpRequest) -> HttpResponse:
    """The assignments (交办件) of the officer's town, nearest due first, with the petitioner masked (withheld
    when the petition complains about that town or names the officer)."""
    today = clock.today()
    rows: list[Any] = list(selectors.assignments_listed(request.user)[:500])
    for row in rows:
        row.subject_shown = selectors.unit_text(row, request.user, row.petition.subject)
        row.days_left = (row.due - today).days
        row.days_overdue = -row.days_left
    return render(request, "petitions/inbox.html", {"rows": rows, "today": today})


@route_scope(roles=RESPONDERS, obj="petitions.assignment")
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One assignment as the town sees it: what to handle by when, the petitioner masked or withheld, the
    acknowledgement (签收) and the answer."""
    assignment = access.assignment_get_for_user(request.user, pk)
    view = selectors.assignment_view(assignment, request.user)
    return render(request, "petitions/assignment.html", {
        "a": assignment, "view": view, "respond_form": forms.RespondForm(initial={"on": clock.today()}),
        "today": clock.today()})


@route_scope(roles=RESPONDERS, obj="petitions.assignment")
def assignment_sheet(request: HttpRequest, pk: int) -> FileResponse:
    """The assignment sheet (交办单) of one assignment, the paper the unit works from (the petitioner masked, or
    withheld where the petition complains about the unit). The download is audited."""
    from jisheng.core import audit

    assignment = access.assignment_get_for_user(request.user, pk)
    sheet = assignment.sheet
    if sheet is None or not sheet.active:
        raise Http404
    audit.record_view(sheet, what=_("交办单：%(n)s") % {"n": assignment.petition.case.number})
    sheet.file.open("rb")
    return FileResponse(sheet.file, content_type=sheet.content_type, as_attachment=False,
                        filename=sheet.file.name.rsplit("/", 1)[-1])


def _assignment_back(assignment: Any) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("petitions:assignment", args=[assignment.pk]))


@route_scope(roles=RESPONDERS, obj="petitions.assignment", methods=("POST",))
def assignment_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge receipt of the assignment (签收): its system delivery becomes delivered."""
    assignment = access.assignment_get_for_user(request.user, pk)
    try:
        services.delivery_acknowledge(assignment, actor=request.user)
    except DomainError as exc:
        messages.error(request, for_people(exc))
    else:
        messages.success(request, _("已签收。"))
    return _assignment_back(assignment)


@route_scope(roles=RESPONDERS, obj="petitions.assignment", methods=("POST",))
def assignment_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """The town's answer to the assignment (承办单位答复)."""
    assignment = access.assignment_get_for_user(request.user, pk)
    form = forms.RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _assignment_back(assignment)
    try:
        services.assignment_respond(assignment, response=form.cleaned_data["response"],
                                    on=form.cleaned_data.get("on"), actor=request.user)
    except DomainError as exc:
        messages.error(request, for_people(exc))
    else:
        messages.success(request, _("已答复。"))
    return _assignment_back(assignment)


# --- the clerk's to-do, overdue list, sensitive periods, daily report ----------------------------------------------


def _nav(request: HttpRequest) -> dict[str, bool]:
    """What the module's sub-navigation links for the viewer."""
    return {"perms_register": _may(request.user, "register"), "perms_respond": _may(request.user, "respond")}


def _status_choices() -> list[tuple[str, str]]:
    from jisheng.cases import types

    return [(k, str(v)) for k, v in types.get("petition").workflow.statuses.items()]


@route_scope(roles=VIEWERS)
def todo(request: HttpRequest) -> HttpResponse:
    """The clerk's to-do (待办), the module's home: open petitions and their assignments by nearest due date,
    days left, the overdue in red; filtered by status and channel, or to the overdue only."""
    filters = forms.TodoFilterForm(request.GET or None, statuses=_status_choices())
    f = filters.cleaned_data if filters.is_valid() else {}
    today = clock.today()
    rows = selectors.clerk_todo(request.user)
    status, channel, overdue_only = f.get("status") or "", f.get("channel") or "", bool(f.get("overdue"))
    shown = []
    for row in rows:
        petition = row["petition"]
        if (status and petition.case.status != status) or (channel and petition.channel != channel):
            continue
        row["days_left"] = (row["due"] - today).days if row["due"] is not None else None
        row["overdue"] = row["days_left"] is not None and row["days_left"] < 0
        row["days_overdue"] = -row["days_left"] if row["overdue"] else 0
        for a in row["assignments"]:
            a.days_left = (a.due - today).days
            a.overdue = a.status != AssignmentStatus.ANSWERED and a.due < today
        if overdue_only and not (row["overdue"] or any(a.overdue for a in row["assignments"])):
            continue
        shown.append(row)
    return render(request, "petitions/todo.html", {
        "rows": shown, "filters": filters, "today": today, "statuses": dict(_status_choices()),
        "overdue_only": overdue_only, **_nav(request)})


@route_scope(roles=VIEWERS)
def overdue(request: HttpRequest) -> HttpResponse:
    """The overdue list (超期): every running petition clock and open assignment past its due date (the day after
    the due date, not on it)."""
    today = clock.today()
    rows = selectors.overdue(request.user, today)
    for row in rows:
        for c in row["clocks"]:
            c.days_overdue = (today - c.due).days
    return render(request, "petitions/overdue.html", {"rows": rows, "today": today, **_nav(request)})


@route_scope(roles=VIEWERS, methods=("GET", "POST"))
def periods(request: HttpRequest) -> HttpResponse:
    """Sensitive periods (敏感期): the list, a form to add one, and (``?edit=<id>``) to change or delete one."""
    from .models import SensitivePeriod

    may_edit = _may(request.user, "change")
    editing = None
    raw = request.POST.get("pk") or request.GET.get("edit") or ""
    if raw.isdigit():
        editing = SensitivePeriod.objects.filter(pk=int(raw)).first()
    form = forms.PeriodForm(request.POST or None, initial=instance_initial(editing))
    if request.method == "POST":
        require(may_edit)
        try:
            if request.POST.get("delete") and editing is not None:
                services.sensitive_period_delete(editing, actor=request.user)
                messages.success(request, _("已删除。"))
                return HttpResponseRedirect(reverse("petitions:periods"))
            if form.is_valid():
                d = form.cleaned_data
                services.sensitive_period_save(period=editing, name=d["name"], start=d["start"], end=d["end"],
                                               note=d.get("note") or "", actor=request.user)
                messages.success(request, _("已保存。"))
                return HttpResponseRedirect(reverse("petitions:periods"))
        except DomainError as exc:
            form.add_error(None, for_people(exc))
    return render(request, "petitions/periods.html", {
        "periods": list(SensitivePeriod.objects.order_by("-start", "-id")[:200]), "form": form,
        "editing": editing, "may_edit": may_edit, "today": clock.today(), **_nav(request)})


def instance_initial(period: Any) -> dict[str, Any] | None:
    """A period's values for the edit form (None for a new one)."""
    if period is None:
        return None
    return {"name": period.name, "start": period.start, "end": period.end, "note": period.note}


@route_scope(roles=VIEWERS)
def watch_list(request: HttpRequest) -> HttpResponse:
    """The watch list of a sensitive period (``?period=<id>``): petitions received in it or open during it, group
    visits, repeat petitioners, the dissatisfied and those marked by hand."""
    from .models import SensitivePeriod

    raw = request.GET.get("period", "")
    period = SensitivePeriod.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 12 else None
    if period is None:
        period = SensitivePeriod.objects.order_by("-start", "-id").first()
    rows = selectors.watch_list(period, request.user) if period is not None else []
    return render(request, "petitions/watch.html", {
        "period": period, "rows": rows,
        "periods": list(SensitivePeriod.objects.order_by("-start", "-id")[:200]), **_nav(request)})


@route_scope(roles=VIEWERS)
def daily_report(request: HttpRequest) -> HttpResponse:
    """The daily report (每日报告) of a day (``?day=YYYY-MM-DD``, default today): new petitions by channel, group
    visits, repeats, overdue and flagged. Printable."""
    try:
        day = dt.date.fromisoformat(request.GET.get("day", "")[:10])
    except ValueError:
        day = clock.today()
    if day > clock.today():
        day = clock.today()
    return render(request, "petitions/daily.html", {"day": day, "report": selectors.daily_report(day, request.user),
                                                    "today": clock.today(), **_nav(request)})


def _day_param(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get(name, "")[:10])
    except ValueError:
        return default


#: At most this many cases listed behind one figure.
FIGURE_CASES_SHOWN = 200


@route_scope(roles=VIEWERS)
def figures_page(request: HttpRequest) -> HttpResponse:
    """The figures (统计) of the petitions received from ``start`` to ``end`` (default: this year so far) by channel,
    unit, town or month (:func:`jisheng.petitions.figures.petition_figures`), with the on-time, satisfaction and
    "every case answered" rates; each number links to the list of cases behind it (``key`` + ``figure``)."""
    from urllib.parse import urlencode

    from . import figures

    today = clock.today()
    start = _day_param(request, "start", today.replace(month=1, day=1))
    end = min(_day_param(request, "end", today), today)
    by = request.GET.get("by", "channel")
    by = by if by in figures.GROUPINGS else "channel"
    if end < start:
        start = end
    table = figures.petition_figures(request.user, start, end, by)
    base = {"by": by, "start": start.isoformat(), "end": end.isoformat()}

    def row_view(row: Any) -> dict[str, Any]:
        return {"label": row.label, "key": row.key, "cells": [
            {"value": row.count(f), "url": "?" + urlencode({**base, "key": row.key, "figure": f}) + "#figure-cases"}
            for f in figures.FIGURES],
            "rates": [row.on_time_rate, row.satisfaction_rate, row.answered_rate]}

    key, figure = request.GET.get("key", ""), request.GET.get("figure", "")
    behind = None
    if figure in figures.FIGURES and key:
        try:
            row = table.row(key)
        except KeyError:
            row = None
        if row is not None:
            behind = {"row": row.label, "figure": figures.FIGURES[figure], "count": row.count(figure),
                      "petitions": list(table.cases(key, figure)[:FIGURE_CASES_SHOWN])}
    return render(request, "petitions/figures.html", {
        "table": table, "rows": [row_view(r) for r in table.rows], "total": row_view(table.total),
        "figure_labels": list(figures.FIGURES.values()), "groupings": list(figures.GROUPINGS.items()),
        "by": by, "start": start, "end": end, "today": today, "behind": behind,
        "shown_max": FIGURE_CASES_SHOWN, **_nav(request)})


# --- workbench ---------------------------------------------------------------------------------------------------

#: At most this many open assignments on a town officer's workbench (one query).
WORKBENCH_SHOWN = 20


def workbench_items(user: Any) -> list[Any]:
    """A town officer's open assignments (交办件) on the workbench, nearest due first: to acknowledge (待签收) or to
    answer (待答复), the overdue in red. The petitions' own cases, counts and clocks come from the case engine's
    provider; this adds what the engine cannot see (the petitions' cases are the city's, not the town's)."""
    from jisheng.core.modules import Todo, WorkbenchItems

    if not _may(user, "respond"):
        return []
    today = clock.today()
    rows = list(selectors.assignments_listed(user).exclude(status=AssignmentStatus.ANSWERED)[:WORKBENCH_SHOWN])
    todos = [Todo(label=(_("交办件待签收：%(n)s %(s)s") if a.status == AssignmentStatus.PENDING
                         else _("交办件待答复：%(n)s %(s)s")) % {
                             "n": a.petition.case.number, "s": selectors.unit_text(a, user, a.petition.subject)[:20]},
                  url=reverse("petitions:assignment", args=[a.pk]), due=a.due, module=str(_("信访")),
                  overdue=a.due < today) for a in rows]
    return [WorkbenchItems(module="petitions", todos=todos)] if todos else []
