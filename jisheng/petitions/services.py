"""All writes of petitions (信访). One transaction per call; ``actor=`` on every state change; audited.

Status changes go through the case engine (:mod:`jisheng.cases.services`): routing, opinions, replies, reviews
and closing are workflow steps of the ``petition`` case type with their clocks. What only petitions have —
assignments to towns and units with their deliveries, replies with their receipt dates, follow-ups, the
supervisor flag, sensitive periods — is written here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from jisheng.accounts.models import User
from jisheng.accounts.roles import Role
from jisheng.cases import services as cases
from jisheng.core import audit, clock
from jisheng.core.errors import Conflict, InvalidInput, NotPermitted, TransitionNotAllowed
from jisheng.core.models import Area

from . import rules
from .enums import (
    AssignmentStatus,
    Channel,
    DeliveryChannel,
    DeliveryOutcome,
    FollowUpResult,
    OpinionOutcome,
    ReplyRound,
)
from .models import (
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    Delivery,
    FollowUp,
    Petition,
    PetitionAssignment,
    PetitionOpinion,
    PetitionReply,
    SensitivePeriod,
)

#: The service accounts web and hotline intake act as (no password, cannot sign in): channel group → username.
INTAKE_ACCOUNTS = {"web": ("petitions-intake-web", "网上信访（系统）"),
                   "hotline": ("petitions-intake-hotline", "热线接口（系统）")}


def petitions_area() -> Area:
    """The municipal commission's area that receives web and hotline petitions (``PETITIONS_AREA_CODE``).

    Raises:
        InvalidInput: the area is not loaded.
    """
    code = settings.JISHENG.get("PETITIONS_AREA_CODE") or settings.JISHENG["DEMO_COUNTY_CODE"]
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise InvalidInput(_("信访受理机关所在区域 %(c)s 不存在，请先导入行政区划") % {"c": code},
                           location="PETITIONS_AREA_CODE")
    return area


def intake_actor(channel: str) -> User:
    """The non-login service account web-form (``channel`` ``web``) and hotline/API intake (any other channel)
    act as: a petition clerk of :func:`petitions_area` with an unusable password, created on first use."""
    username, label = INTAKE_ACCOUNTS["web" if channel == Channel.WEB else "hotline"]
    user = User.objects.filter(username=username).first()
    if user is None:
        with audit.acting(None):
            user = User(username=username, display_name=label, role=Role.PETITION_CLERK, area=petitions_area())
            user.set_unusable_password()
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:  # created meanwhile by a concurrent intake
                user = User.objects.get(username=username)
    return user


def new_tracking_code() -> str:
    """A fresh 12-character tracking code from an unambiguous alphabet (``secrets``; ~59 bits)."""
    while True:
        code = "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(TRACKING_LENGTH))
        if not Petition.objects.filter(tracking_code=code).exists():
            return code


def _root(petition: Petition | None) -> Petition | None:
    seen = set()
    while petition is not None and petition.repeat_of_id is not None and petition.pk not in seen:
        seen.add(petition.pk)
        petition = petition.repeat_of
    return petition


def _party(role: str, data: dict[str, Any], where: str) -> dict[str, str]:
    name = str(data.get("name", "") or "").strip()
    if not name:
        raise InvalidInput(_("请填写%(w)s姓名") % {"w": where}, location="petitioner" if role == "petitioner"
                           else "representatives")
    return {"role": role, "name": name[:100], "id_number": str(data.get("id_number", "") or "").strip()[:32],
            "phone": str(data.get("phone", "") or "").strip()[:32]}


def _registry_person(id_number: str, actor: Any) -> Any:
    """The living registry person with exactly this ID number inside the receiving actor's area scope (the
    commission's subtree for web and hotline intake), or None: a petition never links a person the receiving
    body may not see."""
    from jisheng.core.idnumber import normalise_id_number
    from jisheng.registry.access import persons_for_user

    if not id_number:
        return None
    try:
        normalised = normalise_id_number(id_number)
    except Exception:
        return None
    if not normalised:
        return None
    return persons_for_user(actor).filter(id_number=normalised, status="alive").first()


def _order_lock(order_no: str) -> None:
    """On PostgreSQL, serialise concurrent intakes of one work order until the transaction ends."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(order_no.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


#: How far ahead of our clock a sender's receipt time may be (a hotline platform whose clock runs a little fast);
#: such a time is recorded as now, so the receipt date is never a day to come.
CLOCK_SKEW = dt.timedelta(minutes=5)


@transaction.atomic
def petition_receive(*, channel: str, received_at: dt.datetime, subject: str, content: str,
                     petitioner: dict[str, Any], actor: Any, representatives: Sequence[dict[str, Any]] = (),
                     group_size: int = 1, order_no: str = "", area: Area | None = None,
                     concerned_area: Area | None = None, complained_area: Area | None = None,
                     complained_user: Any = None, complained_name: str = "", forum_url: str = "",
                     repeat_of: Petition | None = None, reply_channel: str = "",
                     is_demo: bool = False) -> tuple[Petition, bool]:
    """Register a petition received at ``received_at`` (aware) through ``channel``; returns ``(petition, created)``.

    ``petitioner``: ``{"name", "phone", "id_number" (optional), "address" (optional)}``; a registry person with
    exactly that ID number is linked. ``representatives``: a group visit's representatives, at most 5
    (``petition-reg-2005/art-18/para-2``; ``petition-work-reg-2022/art-20/para-3``). ``order_no``: the hotline
    work-order number — a known one returns ``(existing, False)`` and never makes a second case, also under
    concurrent calls (unique constraint, savepoint and re-read; a PostgreSQL advisory lock first). ``area``: the
    receiving body's area (default the actor's, else :func:`petitions_area`). ``repeat_of``: the same matter's
    earlier petition; the link goes to the first one (its root). The regime is the regulation in force on the
    receipt date (:func:`rules.regime_on`), fixed here. The acceptance clock (15 calendar days) starts.

    Raises:
        NotPermitted: the actor may not register petitions.
        InvalidInput: unknown channel, no subject, content or petitioner name, more than 5 representatives,
            a group size below 1 or below the representatives, a receipt time more than 5 minutes after now or
            before 2005-05-01.
    """
    if channel not in Channel.values:
        raise InvalidInput(_("未知的信访渠道：%(c)s") % {"c": channel}, location="channel")
    if reply_channel and reply_channel not in Channel.values:
        raise InvalidInput(_("未知的答复渠道：%(c)s") % {"c": reply_channel}, location="reply_channel")
    if not subject.strip():
        raise InvalidInput(_("请填写信访事项"), location="subject")
    if not content.strip():
        raise InvalidInput(_("请填写诉求内容"), location="content")
    if len(representatives) > rules.MAX_REPRESENTATIVES:
        raise InvalidInput(_("多人走访应推选代表，代表人数不得超过%(n)d人") % {"n": rules.MAX_REPRESENTATIVES},
                           location="representatives")
    if group_size < 1 or group_size < len(representatives):
        raise InvalidInput(_("来访人数须至少为1，且不少于代表人数"), location="group_size")
    if received_at.tzinfo is None:
        raise InvalidInput(_("收到时间须带时区"), location="received_at")
    now = clock.now()
    if received_at > now + CLOCK_SKEW:
        raise InvalidInput(_("收到时间晚于现在"), location="received_at")
    received_at = min(received_at, now)  # a hotline platform's clock running a little fast: read as now
    received_on = clock.local(received_at).date()
    regime = rules.regime_on(received_on)
    parties = [_party("petitioner", petitioner, _("信访人"))]
    parties += [_party("representative", r, _("信访代表")) for r in representatives]
    order_no = order_no.strip()
    if order_no:
        _order_lock(order_no)
        existing = Petition.objects.filter(order_no=order_no).first()
        if existing is not None:
            return existing, False
    if not getattr(actor, "has_capability", lambda c: False)("petitions.register"):
        raise NotPermitted(_("当前账号无权登记信访事项（需要权限 petitions.register）"))
    receiving = area or getattr(actor, "area", None) or petitions_area()
    try:
        with transaction.atomic():
            case = cases.case_create(case_type="petition", area=receiving, application_date=received_on, actor=actor,
                                     outside_parties=parties, summary=subject.strip()[:255], is_demo=is_demo,
                                     facts={"channel": channel})
            person = _registry_person(parties[0]["id_number"], actor)
            with audit.acting(actor):
                if person is not None:
                    applicant = case.applicants.get(role="petitioner")
                    applicant.person = person
                    applicant.save(update_fields=["person", "updated_at"])
                petition = Petition.objects.create(
                    case=case, tracking_code=new_tracking_code(), channel=channel, order_no=order_no,
                    received_at=received_at, regime=regime, subject=subject.strip()[:200], content=content.strip(),
                    petitioner_address=str(petitioner.get("address", "") or "").strip()[:255],
                    group_size=group_size, repeat_of=_root(repeat_of), concerned_area=concerned_area,
                    complained_area=complained_area, complained_user=complained_user,
                    complained_name=complained_name.strip()[:100], forum_url=forum_url.strip(),
                    reply_channel=reply_channel or channel)
    except IntegrityError:
        if order_no:
            existing = Petition.objects.filter(order_no=order_no).first()
            if existing is not None:
                return existing, False
        raise
    return petition, True


# --- helpers ----------------------------------------------------------------------------------------

def _may(actor: Any, capability: str) -> bool:
    return bool(getattr(actor, "has_capability", lambda c: False)(capability))


def _require(actor: Any, *capabilities: str) -> None:
    """The actor must hold one of ``capabilities``. Raises NotPermitted naming them."""
    if not any(_may(actor, c) for c in capabilities):
        raise NotPermitted(_("当前账号无权执行此操作（需要权限 %(cap)s）") % {"cap": " / ".join(capabilities)})


def _backdate(on: dt.date | None, reason: str) -> str:
    """The back-dating reason the engine needs for a legal date before today: the caller's, or the stated one
    (a petition step is entered on the day it is recorded, dated when it legally happened)."""
    if on is not None and on < clock.today() and not reason.strip():
        return _("按该环节实际发生日期登记")
    return reason


def _step(petition: Petition, action: str, *, actor: Any, opinion: str = "", on: dt.date | None = None,
          backdate_reason: str = "") -> None:
    cases.case_transition(petition.case, action=action, actor=actor, opinion=opinion, on=on,
                          backdate_reason=_backdate(on, backdate_reason))


def _notice(petition: Petition, *, text: str, actor: Any, on: dt.date | None, kind: str = "notice",
            data: dict[str, Any] | None = None) -> None:
    cases.case_add_record(petition.case, kind=kind, actor=actor, on=on, text=text, data=data or {},
                          backdate_reason=_backdate(on, ""))


def _paper(petition: Petition, kind: str, *, actor: Any, on: dt.date | None, **details: Any) -> Any:
    """Render and file the written paper ``kind`` of the step just taken (:mod:`jisheng.petitions.documents`);
    returns its ``CaseDocument``."""
    from . import documents

    return documents.file_paper(petition, kind, actor=actor, on=on, **details)


def _wording(petition: Petition, key: str) -> str:
    return rules.wording(petition.regime)[key]


# --- routing ------------------------------------------------------------------------------------------

@transaction.atomic
def petition_accept(petition: Petition, *, actor: Any, on: dt.date | None = None, opinion: str = "",
                    backdate_reason: str = "") -> Petition:
    """Accept the petition (受理) on ``on`` and record the written acceptance notice; the 60-day conclusion clock
    starts (``petition-reg-2005/art-22``, ``art-33``; ``petition-work-reg-2022/art-23``, ``art-34``).

    Raises:
        TransitionNotAllowed: not registered. NotPermitted: no ``petitions.change``. InvalidInput: a bad date.
    """
    _step(petition, "accept", actor=actor, opinion=opinion, on=on, backdate_reason=backdate_reason)
    _notice(petition, actor=actor, on=on, text=_("%(n)s：您反映的“%(s)s”已受理，将于受理之日起60日内办结。") % {
        "n": _wording(petition, "acceptance_notice"), "s": petition.subject},
        data={"paper": "acceptance_notice", "basis": rules.provision(petition.regime, "acceptance")})
    return petition


@transaction.atomic
def petition_refer(petition: Petition, *, body: str, actor: Any, on: dt.date | None = None,
                   backdate_reason: str = "") -> Petition:
    """Refer the petition to the competent body ``body`` (转送有权处理机关) with a written notice to the petitioner
    (``petition-reg-2005/art-21/para-1``; ``petition-work-reg-2022/art-22``).

    Raises:
        InvalidInput: no body named, or a bad date. TransitionNotAllowed: not registered.
    """
    if not body.strip():
        raise InvalidInput(_("请写明有权处理的机关"), location="body")
    _step(petition, "refer", actor=actor, opinion=_("转送：%(b)s") % {"b": body.strip()}, on=on,
          backdate_reason=backdate_reason)
    _notice(petition, actor=actor, on=on, text=_("您反映的“%(s)s”已转送%(b)s办理。") % {
        "s": petition.subject, "b": body.strip()},
        data={"paper": "referral_notice", "body": body.strip(), "basis": rules.provision(petition.regime, "routing")})
    _paper(petition, "referral_notice", actor=actor, on=on, body=body.strip())
    return petition


@transaction.atomic
def petition_channel(petition: Petition, *, procedure: str, body: str, actor: Any, on: dt.date | None = None,
                     backdate_reason: str = "") -> Petition:
    """Tell the petitioner in writing to pursue the matter through ``procedure`` (litigation, arbitration,
    reconsideration, licensing…) before ``body`` (``petition-reg-2005/art-21/para-1``;
    ``petition-work-reg-2022/art-31``).

    Raises:
        InvalidInput: no procedure or body, or a bad date. TransitionNotAllowed: not registered.
    """
    if not procedure.strip():
        raise InvalidInput(_("请写明应当通过的法定途径"), location="procedure")
    if not body.strip():
        raise InvalidInput(_("请写明受理该法定途径的机关"), location="body")
    text = _("您反映的“%(s)s”应当通过%(p)s解决，请依法向%(b)s提出。") % {
        "s": petition.subject, "p": procedure.strip(), "b": body.strip()}
    _step(petition, "channel", actor=actor, opinion=text, on=on, backdate_reason=backdate_reason)
    _notice(petition, actor=actor, on=on, text=text,
            data={"paper": "channel_notice", "procedure": procedure.strip(), "body": body.strip(),
                  "basis": rules.provision(petition.regime, "channel")})
    _paper(petition, "channel_notice", actor=actor, on=on, procedure=procedure.strip(), body=body.strip())
    return petition


@transaction.atomic
def petition_refuse_repeat(petition: Petition, *, actor: Any, on: dt.date | None = None, reason: str = "",
                           backdate_reason: str = "") -> Petition:
    """Refuse a repeat of a petition that went through re-review on the same facts and reasons (不再受理:
    ``petition-reg-2005/art-35``; ``petition-work-reg-2022/art-36``), with a written notice.

    Raises:
        TransitionNotAllowed: not registered, or not a repeat of a re-reviewed petition.
    """
    text = reason.strip() or _("您反映的事项已经复核，以同一事实和理由再次提出的，不再受理。")
    _step(petition, "refuse_repeat", actor=actor, opinion=text, on=on, backdate_reason=backdate_reason)
    _notice(petition, actor=actor, on=on, text=text,
            data={"paper": "not_accepted_notice", "basis": rules.provision(petition.regime, "repeat")})
    _paper(petition, "not_accepted_notice", actor=actor, on=on, reason=reason)
    return petition


# --- assignments and deliveries -------------------------------------------------------------------------

#: The statuses in which a petition is handled and may be assigned to towns or units.
ASSIGNABLE = frozenset({"registered", "accepted", "review", "re_review"})


@transaction.atomic
def petition_assign(petition: Petition, *, due: dt.date, instruction: str, actor: Any, area: Area | None = None,
                    unit_name: str = "", on: dt.date | None = None) -> PetitionAssignment:
    """Assign (交办) the petition to a town ``area`` or a unit outside the area tree ``unit_name`` (exactly one),
    answering by ``due``. Starts the engine's per-assignment ``unit_response`` clock (instance ``"A<pk>"``, the
    days until ``due``; a due date off work moves to the next working day, and the assignment takes the
    clock's date). A town gets a ``system`` delivery, ``sent`` until its officer acknowledges it.

    Raises:
        NotPermitted: no ``petitions.change``.
        InvalidInput: neither or both of area/unit, ``due`` not after ``on`` or after the conclusion due date.
        Conflict: the same town or unit again (also when two requests assign it at once).
        TransitionNotAllowed: the petition is not being handled (registered, accepted, review, re-review).
    """
    _require(actor, "petitions.change")
    # the case row is locked first, so a double-clicked assignment waits for the first and finds its unit assigned
    # (a Conflict on the page), never a unique-constraint error
    case = cases._lock(petition.case)
    if case.status not in ASSIGNABLE:
        raise TransitionNotAllowed(_("当前状态下不能交办"))
    unit_name = unit_name.strip()
    if (area is None) == (not unit_name):
        raise InvalidInput(_("请选择一个承办镇（街道）或填写一个承办单位"), location="area")
    start = on or clock.today()
    if due <= start:
        raise InvalidInput(_("答复期限须晚于交办日期 %(d)s") % {"d": start.isoformat()}, location="due")
    conclusion = case.clocks.filter(kind="conclusion", met_on__isnull=True).first()
    if conclusion is not None and conclusion.due is not None and due > conclusion.due:
        raise InvalidInput(_("答复期限不得晚于办结期限 %(d)s") % {"d": conclusion.due.isoformat()}, location="due")
    duplicate = petition.assignments.filter(area=area) if area is not None else petition.assignments.filter(
        unit_name=unit_name)
    if duplicate.exists():
        raise Conflict(_("已交办给该单位"), location="area" if area is not None else "unit_name")
    with audit.acting(actor):
        assignment = PetitionAssignment.objects.create(petition=petition, area=area, unit_name=unit_name[:100],
                                                       due=due, instruction=instruction.strip())
        c = cases.case_start_clock(case, kind="unit_response", instance=assignment.instance, start=start,
                                   actor=actor, amount=(due - start).days,
                                   instance_label=area.name if area is not None else unit_name)
        if c.due is not None and c.due != due:
            assignment.due = c.due
            assignment.save(update_fields=["due", "updated_at"])
        if area is not None:
            Delivery.objects.create(assignment=assignment, channel=DeliveryChannel.SYSTEM, attempted_on=start,
                                    outcome=DeliveryOutcome.SENT)
    with audit.acting(actor):
        assignment.sheet = _paper(petition, "assignment_sheet", actor=actor, on=start, assignment=assignment)
        assignment.save(update_fields=["sheet", "updated_at"])
    return assignment


def _paper_case(assignment: PetitionAssignment | None, reply: PetitionReply | None) -> Any:
    return (assignment.petition if assignment is not None else reply.petition).case  # type: ignore[union-attr]


@transaction.atomic
def delivery_record(*, channel: str, on: dt.date, outcome: str, actor: Any,
                    assignment: PetitionAssignment | None = None, reply: PetitionReply | None = None,
                    failure_reason: str = "", retry_of: Delivery | None = None) -> Delivery:
    """Record one attempt to deliver an assignment to its unit or a reply to the petitioner (exactly one).

    A failed attempt needs ``failure_reason`` and stays failed: its retry is a new row naming it (``retry_of``,
    a failed attempt of the same paper not retried yet). A ``delivered`` attempt marks a pending assignment
    delivered, and a reply received that day when no receipt date is recorded yet (it starts the review window).

    Raises:
        NotPermitted: no ``petitions.change``.
        InvalidInput: neither or both papers, unknown channel or outcome, a failure without reason, a date after
            today, or a ``retry_of`` that is not a failed, unretried attempt of the same paper.
    """
    _require(actor, "petitions.change")
    if (assignment is None) == (reply is None):
        raise InvalidInput(_("送达记录须对应一个交办件或一份答复"), location="assignment")
    if channel not in DeliveryChannel.values:
        raise InvalidInput(_("未知的送达方式"), location="channel")
    if outcome not in DeliveryOutcome.values:
        raise InvalidInput(_("未知的送达结果"), location="outcome")
    if outcome == DeliveryOutcome.FAILED and not failure_reason.strip():
        raise InvalidInput(_("请写明送达失败的原因"), location="failure_reason")
    if on > clock.today():
        raise InvalidInput(_("日期 %(d)s 晚于今天") % {"d": on.isoformat()}, location="on")
    case = _paper_case(assignment, reply)
    cases._lock(case)
    if retry_of is not None:
        retry_of.refresh_from_db()
        same = retry_of.assignment_id == (assignment.pk if assignment else None) and retry_of.reply_id == (
            reply.pk if reply else None)
        if not same or retry_of.outcome != DeliveryOutcome.FAILED or retry_of.retries.exists():
            raise InvalidInput(_("只能对本文书一次失败的送达重新送达"), location="retry_of")
    with audit.acting(actor):
        delivery = Delivery.objects.create(
            assignment=assignment, reply=reply, channel=channel, attempted_on=on, outcome=outcome,
            failure_reason=failure_reason.strip()[:255] if outcome == DeliveryOutcome.FAILED else "",
            confirmed_on=on if outcome == DeliveryOutcome.DELIVERED else None, retry_of=retry_of)
        if outcome == DeliveryOutcome.DELIVERED:
            if assignment is not None:
                assignment.refresh_from_db()
                if assignment.status == AssignmentStatus.PENDING:
                    assignment.status = AssignmentStatus.DELIVERED
                    assignment.save(update_fields=["status", "updated_at"])
            elif reply is not None:
                reply.refresh_from_db()
                if reply.received_on is None:
                    reply.received_on = max(on, reply.sent_on)
                    reply.save(update_fields=["received_on", "updated_at"])
    return delivery


def _in_town(actor: Any, area: Area | None) -> bool:
    mine = getattr(actor, "area", None)
    return bool(area is not None and mine is not None and mine.contains(area))


@transaction.atomic
def delivery_acknowledge(assignment: PetitionAssignment, *, actor: Any, on: dt.date | None = None) -> Delivery:
    """The town officer acknowledges (签收) the assignment in Jisheng on ``on`` (default today): the ``system``
    delivery still ``sent`` becomes ``delivered``; when none is (the earlier ones failed), a new delivered
    ``system`` delivery is recorded, naming the last failed one. Acknowledging twice returns the delivery.

    Raises:
        NotPermitted: not an officer of the assigned town with ``petitions.respond``.
        InvalidInput: a unit outside the area tree (its delivery is recorded by the clerk), or a bad date.
    """
    _require(actor, "petitions.respond")
    if assignment.area_id is None:
        raise InvalidInput(_("系统外单位的送达由信访工作人员登记"), location="assignment")
    if not _in_town(actor, assignment.area):
        raise NotPermitted(_("只能签收交办给本镇（街道）的信访件"))
    cases._lock(assignment.petition.case)
    day = on or clock.today()
    if day > clock.today():
        raise InvalidInput(_("日期 %(d)s 晚于今天") % {"d": day.isoformat()}, location="on")
    assignment.refresh_from_db()
    done = assignment.deliveries.filter(outcome=DeliveryOutcome.DELIVERED).first()
    if done is not None:
        return done
    with audit.acting(actor):
        sent = assignment.deliveries.filter(channel=DeliveryChannel.SYSTEM, outcome=DeliveryOutcome.SENT).last()
        if sent is not None:
            sent.outcome, sent.confirmed_on = DeliveryOutcome.DELIVERED, max(day, sent.attempted_on)
            sent.save(update_fields=["outcome", "confirmed_on", "updated_at"])
            delivery = sent
        else:
            failed = assignment.deliveries.filter(outcome=DeliveryOutcome.FAILED, retries__isnull=True).last()
            delivery = Delivery.objects.create(assignment=assignment, channel=DeliveryChannel.SYSTEM, attempted_on=day,
                                               outcome=DeliveryOutcome.DELIVERED, confirmed_on=day, retry_of=failed)
        if assignment.status == AssignmentStatus.PENDING:
            assignment.status = AssignmentStatus.DELIVERED
            assignment.save(update_fields=["status", "updated_at"])
    return delivery


@transaction.atomic
def assignment_respond(assignment: PetitionAssignment, *, response: str, actor: Any,
                       on: dt.date | None = None) -> PetitionAssignment:
    """The assigned town's officer (or, for a unit outside the system, the clerk) records the unit's answer on
    ``on``: files the engine record ``unit_response`` for instance ``"A<pk>"``, which meets that unit's clock.

    Raises:
        NotPermitted: neither an officer of the assigned town with ``petitions.respond`` nor a clerk
            (``petitions.change``) recording an outside unit's answer.
        InvalidInput: no response, a bad date. TransitionNotAllowed: not delivered yet, or already answered.
    """
    town_officer = _may(actor, "petitions.respond") and _in_town(actor, assignment.area)
    clerk_for_unit = _may(actor, "petitions.change") and assignment.area_id is None
    if not (town_officer or clerk_for_unit):
        raise NotPermitted(_("只能答复交办给本镇（街道）的信访件"))
    if not response.strip():
        raise InvalidInput(_("请填写答复内容"), location="response")
    cases._lock(assignment.petition.case)
    assignment.refresh_from_db()
    if assignment.status == AssignmentStatus.ANSWERED:
        raise TransitionNotAllowed(_("该交办件已答复"))
    if assignment.status != AssignmentStatus.DELIVERED and assignment.area_id is not None:
        raise TransitionNotAllowed(_("交办件尚未送达（签收），不能答复"))
    record = cases.case_add_record(assignment.petition.case, kind="unit_response", instance=assignment.instance,
                                   actor=actor, on=on,
                                   text=response.strip(), backdate_reason=_backdate(on, ""),
                                   data={"assignment": assignment.pk, "unit": assignment.unit_label})
    with audit.acting(actor):
        assignment.status = AssignmentStatus.ANSWERED
        assignment.response = response.strip()
        assignment.responded_on = record.on
        assignment.responded_by = actor
        assignment.save(update_fields=["status", "response", "responded_on", "responded_by", "updated_at"])
    return assignment

# --- opinions, extension, replies ---------------------------------------------------------------------

#: status → (round, workflow action) of the opinion given in that status (the first round through case_decide).
_OPINION_ROUND = {"accepted": (ReplyRound.ORIGINAL, ""), "review": (ReplyRound.REVIEW, "give_review_opinion"),
                  "re_review": (ReplyRound.RE_REVIEW, "give_re_review_opinion")}


@transaction.atomic
def petition_give_opinion(petition: Petition, *, outcome: str, facts: str, reasons: str,
                          provision_keys: Sequence[str], actor: Any, on: dt.date | None = None,
                          backdate_reason: str = "") -> PetitionOpinion:
    """Give the written opinion of the current round on ``on``: support / explain / not support, with the facts,
    the reasons and the provisions in force that day (2005 书面答复意见, 2022 信访处理意见书:
    ``petition-reg-2005/art-32``; ``petition-work-reg-2022/art-32``). The first round is the engine's decision
    (``case_decide``, meets the conclusion clock); a review or re-review opinion meets that round's clock.

    Raises:
        NotPermitted: no ``petitions.decide``.
        InvalidInput: unknown outcome, no facts or reasons, no provision, or one not in force on ``on``.
        TransitionNotAllowed: no opinion is due in the current status.
    """
    from jisheng.law.provisions import in_force_state, provision_exists

    _require(actor, "petitions.decide")
    case = cases._lock(petition.case)
    if case.status not in _OPINION_ROUND:
        raise TransitionNotAllowed(_("当前状态下不能出具处理意见"))
    if outcome not in OpinionOutcome.values:
        raise InvalidInput(_("请选择处理意见：支持、解释说明或不予支持"), location="outcome")
    if not facts.strip():
        raise InvalidInput(_("请写明查明的事实"), location="facts")
    if not reasons.strip():
        raise InvalidInput(_("请写明理由"), location="reasons")
    round_, action = _OPINION_ROUND[case.status]
    day = on or clock.today()
    keys = [k.strip() for k in provision_keys if k.strip()]
    if not keys:
        raise InvalidInput(_("处理意见须引用至少一项法律依据"), location="provision_keys")
    for key in keys:
        if not provision_exists(key) or in_force_state(key, day) is False:
            raise InvalidInput(_("%(k)s 在 %(d)s 不是有效条款，不能作为依据") % {"k": key, "d": day.isoformat()},
                               location="provision_keys")
    text = _("事实：%(f)s\n理由：%(r)s") % {"f": facts.strip(), "r": reasons.strip()}
    if not action:
        cases.case_decide(case, outcome=outcome, reasons=text, provision_keys=keys, actor=actor, on=on,
                          backdate_reason=_backdate(on, backdate_reason))
    else:
        _step(petition, action, actor=actor, opinion=f"{OpinionOutcome(outcome).label}。{text}", on=on,
              backdate_reason=backdate_reason)
    with audit.acting(actor):
        opinion = PetitionOpinion.objects.create(petition=petition, round=round_, outcome=outcome,
                                                 facts=facts.strip(), reasons=reasons.strip(), provision_keys=keys,
                                                 on=day, given_by=actor)
    from .documents import OPINION_KINDS

    _paper(petition, OPINION_KINDS[round_], actor=actor, on=day, opinion=opinion)
    return opinion


@transaction.atomic
def petition_extend(petition: Petition, *, days: int, reason: str, actor: Any, on: dt.date | None = None,
                    backdate_reason: str = "") -> Any:
    """The head approves extending the conclusion clock once by ``days`` (≤ 30 calendar days) before it runs out;
    the petitioner is told the reason in writing (``petition-reg-2005/art-33``; ``petition-work-reg-2022/art-34``).
    Returns the engine clock.

    Raises:
        NotPermitted: no ``petitions.approve_extension`` (the head).
        InvalidInput: days outside 1–30, no reason, a date after the due date.
        TransitionNotAllowed: already extended, or the clock is met.
    """
    _require(actor, "petitions.approve_extension")
    c = cases.case_extend_clock(petition.case, kind="conclusion", days=days, reason=reason, actor=actor, on=on,
                                backdate_reason=_backdate(on, backdate_reason))
    _notice(petition, actor=actor, on=on, kind="extension_notice",
            text=_("您反映的“%(s)s”因%(r)s，办理期限延长%(n)d日，至%(d)s。") % {
                "s": petition.subject, "r": reason.strip(), "n": days, "d": c.due.isoformat() if c.due else "—"},
            data={"paper": "extension_notice", "basis": rules.provision(petition.regime, "extension")})
    _paper(petition, "extension_notice", actor=actor, on=on, reason=reason, days=days, due=c.due)
    return c


#: The reply's delivery channel by the petitioner's channel.
_REPLY_DELIVERY = {Channel.VISIT: DeliveryChannel.IN_PERSON, Channel.LETTER: DeliveryChannel.POST,
                   Channel.SERVICE_LINE: DeliveryChannel.PHONE, Channel.HOTLINE_12345: DeliveryChannel.SYSTEM,
                   Channel.HOTLINE_12356: DeliveryChannel.SYSTEM, Channel.WEB: DeliveryChannel.WEB,
                   Channel.FORUM: DeliveryChannel.WEB}


def current_round(petition: Petition) -> str:
    """The round of the latest opinion (``original`` / ``review`` / ``re_review``; ``original`` before any)."""
    latest = petition.opinions.order_by("-on", "-id").first()
    return latest.round if latest is not None else ReplyRound.ORIGINAL


@transaction.atomic
def petition_send_reply(petition: Petition, *, text: str, channel: str, on: dt.date, actor: Any,
                        backdate_reason: str = "") -> PetitionReply:
    """Reply to the petitioner through ``channel`` on ``on`` (the round of the latest opinion) and record the
    delivery attempt (``sent``; a web reply is received when the citizen first opens the tracking page).

    Raises:
        NotPermitted: no ``petitions.change``. InvalidInput: no text, unknown channel, a bad date.
        TransitionNotAllowed: no opinion waiting for its reply.
    """
    _require(actor, "petitions.change")
    if not text.strip():
        raise InvalidInput(_("请填写答复内容"), location="text")
    if channel not in Channel.values:
        raise InvalidInput(_("未知的答复渠道"), location="channel")
    round_ = current_round(petition)
    _step(petition, "reply", actor=actor, opinion=text.strip()[:2000], on=on, backdate_reason=backdate_reason)
    with audit.acting(actor):
        try:
            with transaction.atomic():
                reply = PetitionReply.objects.create(petition=petition, round=round_, text=text.strip(), sent_on=on,
                                                     channel=channel)
        except IntegrityError:
            raise Conflict(_("本轮已答复"), location="text") from None
        Delivery.objects.create(reply=reply, channel=_REPLY_DELIVERY[Channel(channel)], attempted_on=on,
                                outcome=DeliveryOutcome.SENT)
    return reply


@transaction.atomic
def reply_mark_received(reply: PetitionReply, *, on: dt.date, actor: Any = None) -> PetitionReply:
    """Record the day the petitioner received ``reply`` (starts the review window). ``actor`` None is the system
    (the citizen opened the tracking page). Recorded once: a later call keeps the first date.

    Raises:
        NotPermitted: a staff actor without ``petitions.change``.
        InvalidInput: a date before the reply was sent or after today.
    """
    if actor is not None:
        _require(actor, "petitions.change")
    cases._lock(reply.petition.case)
    reply.refresh_from_db()
    if reply.received_on is not None:
        return reply
    if on < reply.sent_on or on > clock.today():
        raise InvalidInput(_("收到日期须在答复发出日 %(d)s 至今天之间") % {"d": reply.sent_on.isoformat()},
                           location="on")
    with audit.acting(actor):
        reply.received_on = on
        reply.save(update_fields=["received_on", "updated_at"])
    return reply


# --- review, re-review, close ----------------------------------------------------------------------------

@transaction.atomic
def petition_request_review(petition: Petition, *, on: dt.date, request: str, actor: Any,
                            re_review: bool = False) -> Petition:
    """Record the petitioner's request for review (复查) — or re-review (复核) with ``re_review`` — made on ``on``,
    within 30 calendar days of receiving the answer (the opinion's reply, or the review's for a re-review:
    ``petition-reg-2005/art-34``, ``art-35``; ``petition-work-reg-2022/art-35``, ``art-36``). Starts that round's
    30-day clock. After a re-review the same request is not accepted again.

    Raises:
        InvalidInput: (location ``on``) past the window or before the answer was received; no request text.
        TransitionNotAllowed: no answer received yet, already reviewed / re-reviewed, or the status does not allow.
    """
    if not request.strip():
        raise InvalidInput(_("请填写复查（复核）请求的内容"), location="request")
    cases._lock(petition.case)
    answered = petition.replies.filter(round=ReplyRound.REVIEW if re_review else ReplyRound.ORIGINAL).first()
    if petition.case.steps.filter(action="request_re_review").exists():
        raise InvalidInput(_("同一事实和理由已经复核，不再受理"), location="on")
    if answered is None or answered.received_on is None:
        raise TransitionNotAllowed(_("答复尚未送达信访人，不能请求复查（复核）"))
    end = (rules.re_review_window_end if re_review else rules.review_window_end)(answered.received_on,
                                                                               petition.regime)
    if on > end:
        raise InvalidInput((_("复核请求已超过30日期限（自收到复查意见之日起，至%(d)s止）") if re_review
                            else _("复查请求已超过30日期限（自收到答复之日起，至%(d)s止）")) % {"d": end.isoformat()},
                           location="on")
    if on < answered.received_on:
        raise InvalidInput(_("请求日期早于收到答复的日期"), location="on")
    _step(petition, "request_re_review" if re_review else "request_review", actor=actor, opinion=request.strip(),
          on=on)
    return petition


@transaction.atomic
def petition_close(petition: Petition, *, actor: Any, on: dt.date | None = None,
                   backdate_reason: str = "") -> Petition:
    """Close the petition (办结) once replied and the reply's receipt recorded, or once referred, channelled or
    not accepted.

    Raises:
        TransitionNotAllowed: the status does not allow it, or the reply's receipt is not recorded.
    """
    _step(petition, "close", actor=actor, on=on, backdate_reason=backdate_reason)
    return petition


# --- follow-up and supervision ----------------------------------------------------------------------------

@transaction.atomic
def follow_up_record(petition: Petition, *, result: str, on: dt.date, note: str = "", actor: Any = None) -> FollowUp:
    """Record the one satisfaction follow-up (回访) of the latest reply's round; ``actor`` None is the citizen on
    the tracking page. ``dissatisfied`` flags the petition for a supervisor; the status never changes.

    Raises:
        NotPermitted: a staff actor without ``petitions.change``.
        InvalidInput: unknown result, no reply yet, a date before the reply or after today.
        Conflict: this round was already followed up (also under a double click).
    """
    if actor is not None:
        _require(actor, "petitions.change")
    if result not in FollowUpResult.values:
        raise InvalidInput(_("请选择满意、基本满意或不满意"), location="result")
    cases._lock(petition.case)
    reply = petition.replies.order_by("-sent_on", "-id").first()
    if reply is None:
        raise InvalidInput(_("尚未答复，不能回访"), location="result")
    if on < reply.sent_on or on > clock.today():
        raise InvalidInput(_("回访日期须在答复发出日 %(d)s 至今天之间") % {"d": reply.sent_on.isoformat()},
                           location="on")
    with audit.acting(actor):
        try:
            with transaction.atomic():
                follow_up = FollowUp.objects.create(petition=petition, round=reply.round, result=result, on=on,
                                                    note=note.strip(), recorded_by=actor)
        except IntegrityError:
            raise Conflict(_("已回访"), location="result") from None
        if result == FollowUpResult.DISSATISFIED:
            petition.supervisor_flag = True
            petition.supervisor_flag_reason = (_("%(r)s回访不满意") % {"r": reply.get_round_display()}
                                               + (f"：{note.strip()}" if note.strip() else ""))[:255]
            petition.supervisor_flag_cleared_at = None
            petition.save(update_fields=["supervisor_flag", "supervisor_flag_reason", "supervisor_flag_cleared_at",
                                         "updated_at"])
    return follow_up


@transaction.atomic
def supervisor_flag_clear(petition: Petition, *, note: str, actor: Any) -> Petition:
    """A supervisor clears the flag with a note (kept in the case history).

    Raises:
        NotPermitted: no ``petitions.supervise``. InvalidInput: no note, or no flag set.
    """
    _require(actor, "petitions.supervise")
    if not note.strip():
        raise InvalidInput(_("请写明督办处理情况"), location="note")
    case = cases._lock(petition.case)
    petition.refresh_from_db()
    if not petition.supervisor_flag:
        raise InvalidInput(_("该信访件没有待督办标记"), location="note")
    with audit.acting(actor):
        petition.supervisor_flag = False
        petition.supervisor_flag_cleared_at = clock.now()
        petition.save(update_fields=["supervisor_flag", "supervisor_flag_cleared_at", "updated_at"])
        cases._event(case, kind="supervision", actor=actor, summary=_("解除督办：%(n)s") % {"n": note.strip()})
    return petition


@transaction.atomic
def petition_set_watch(petition: Petition, *, watch: bool, actor: Any) -> Petition:
    """Put the petition on (or take it off) the sensitive-period watch list by hand.

    Raises:
        NotPermitted: no ``petitions.change``.
    """
    _require(actor, "petitions.change")
    with audit.acting(actor):
        petition.watch = watch
        petition.save(update_fields=["watch", "updated_at"])
    return petition


@transaction.atomic
def sensitive_period_save(*, name: str, start: dt.date, end: dt.date, actor: Any, note: str = "",
                          period: SensitivePeriod | None = None) -> SensitivePeriod:
    """Create (or change ``period``) a sensitive period ``start``–``end`` inclusive.

    Raises:
        NotPermitted: no ``petitions.change``. InvalidInput: no name, ``end`` before ``start``.
    """
    _require(actor, "petitions.change")
    if not name.strip():
        raise InvalidInput(_("请填写名称"), location="name")
    if end < start:
        raise InvalidInput(_("结束日期不得早于开始日期"), location="end")
    with audit.acting(actor):
        period = period or SensitivePeriod()
        period.name, period.start, period.end, period.note = name.strip()[:100], start, end, note.strip()
        period.save()
    return period


@transaction.atomic
def sensitive_period_delete(period: SensitivePeriod, *, actor: Any) -> None:
    """Delete a sensitive period.

    Raises:
        NotPermitted: no ``petitions.change``.
    """
    _require(actor, "petitions.change")
    with audit.acting(actor):
        period.delete()
