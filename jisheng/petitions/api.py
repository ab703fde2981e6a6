"""The hotline work-order API (contract §7): the city's 12345 platform and the 12356 hotline post work orders as
petitions and read back their status.

    POST /api/v1/petitions/work-orders              Authorization: Bearer TOKEN (scope ``petitions``)
    GET  /api/v1/petitions/work-orders/{order_no}

A machine client authenticates with a token from ``jisheng api-token create --scope petitions``: the API mounts
this router behind the bearer check of :data:`TOKEN_SCOPE` (:mod:`jisheng.api.api`; this app does not import the
API layer). No session, no cookie, so no CSRF check. The work order is received as the token's service account (a
petition clerk of the receiving body, ``JISHENG["PETITIONS_AREA_CODE"]``), so the audit trail names the token.

Idempotency: ``order_no`` is the key. The first post answers 201; the same ``order_no`` again — also many posts at
once — answers 200 with the same record and ``"duplicate": true``, never a second petition
(:func:`jisheng.petitions.services.petition_receive`: unique constraint, advisory lock on PostgreSQL). A repeated
post is not compared with the first: the record first received stands.

Visibility: every active token of scope ``petitions`` reads every work order by its number (the hotlines share one
work-order numbering, issued by the platform that took the call); a petition registered without a work-order
number is never reachable here. An unknown number answers 404.

``status`` is the case's machine key (``registered``, ``accepted``, ``answered``, ``replied``, ``closed``…, the
workflow of :mod:`jisheng.petitions.workflows`), ``status_label`` its Chinese label to read to the caller.
Errors: 401 (no, wrong or revoked token), 422 from schema validation (``detail[].loc`` names the field: missing
field, impossible date, unknown channel), 400 ``{"detail": "field: message"}`` from the intake rules (a time
without a time zone or in the future, an ID number with a wrong check digit, an unknown ``area_code``).
Nothing personal is logged.

No ``from __future__ import annotations`` here: django-ninja resolves parameter annotations at import.
"""

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from jisheng.core.access import RouteScope
from jisheng.core.errors import InvalidInput, NotPermitted

from .enums import API_CHANNELS, channel_from_api
from .models import Petition

PREFIX = "/petitions/"
#: The API mounts :data:`router` behind a bearer-token check of this scope (``jisheng.api.auth.ApiTokenAuth``).
TOKEN_SCOPE = "petitions"  # noqa: S105  (a scope name, not a secret)
router = Router(tags=["petitions"])

ApiChannel = Literal["12345", "12356", "service-line", "web", "letter", "visit", "forum"]
assert set(ApiChannel.__args__) == set(API_CHANNELS)  # type: ignore[attr-defined]  # one vocabulary, contract §7


class PetitionerIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, description="信访人姓名")
    phone: str = Field(..., max_length=32, description="联系电话")
    id_number: str = Field("", max_length=32, description="公民身份号码（可选；填写则须为有效号码）")


class WorkOrderIn(Schema):
    order_no: str = Field(..., min_length=1, max_length=64, description="热线工单号（幂等键：同一工单号只登记一次）")
    channel: ApiChannel = Field(..., description="来源渠道")
    received_at: dt.datetime = Field(..., description="收到时间，ISO 8601，须带时区，如 2026-03-02T09:00:00+08:00")
    subject: str = Field(..., min_length=1, max_length=200, description="信访事项（标题）")
    content: str = Field(..., min_length=1, max_length=20000, description="诉求内容")
    petitioner: PetitionerIn
    area_code: str | None = Field(None, max_length=12, description="事项所在地的区划代码（可选），如 320585111000")


class WorkOrderOut(Schema):
    tracking_code: str = Field(..., description="查询码（群众在门户查询办理进度用）")
    status: str = Field(..., description="办理状态（机器可读的键，如 registered、accepted、replied、closed）")
    status_label: str = Field(..., description="办理状态（中文）")
    regime: str = Field(..., description="收到之日施行的法规：petition-reg-2005（2005年《信访条例》，至2022-04-30）"
                                         "或 petition-work-reg-2022（2022年《信访工作条例》，自2022-05-01）")
    acceptance_due: dt.date | None = Field(..., description="告知是否受理的期限（收到之日起15日，按日历日计算）")
    conclusion_due: dt.date | None = Field(..., description="办结期限（受理后起算；未受理时为 null）")
    duplicate: bool = Field(..., description="true：此工单号此前已登记，返回的是原记录")


class ReplyOut(Schema):
    text: str
    replied_on: dt.date


class WorkOrderStatusOut(Schema):
    tracking_code: str
    status: str = Field(..., description="办理状态（机器可读的键）")
    status_label: str = Field(..., description="办理状态（中文）")
    regime: str
    acceptance_due: dt.date | None
    conclusion_due: dt.date | None
    reply: ReplyOut | None = Field(..., description="最近一次答复（尚未答复时为 null）")
    satisfaction: Literal["satisfied", "basically", "dissatisfied"] | None = Field(
        ..., description="对最近一次答复的回访结果：满意、基本满意、不满意（尚未回访时为 null）")


def _token_operation(func: Callable[..., Any]) -> Callable[..., Any]:
    """Declare the operation as one for machine clients with a token of :data:`TOKEN_SCOPE` — no staff role reaches
    it with a session (the permission matrix expects 401 without sign-in, 403 for a signed-in browser) — and refuse
    it (401) when no such token was checked, e.g. were the router mounted without the bearer check."""
    scope = RouteScope(roles=frozenset(), extra={"auth": "bearer", "token_scope": TOKEN_SCOPE})

    @functools.wraps(func)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        token = getattr(request, "auth", None)
        if getattr(token, "scope", None) != TOKEN_SCOPE or getattr(token, "account", None) is None:
            raise HttpError(401, "Unauthorized")
        return func(request, *args, **kwargs)

    wrapped.route_scope = scope  # type: ignore[attr-defined]
    return wrapped


def _answer(petition: Petition, *, duplicate: bool) -> dict[str, Any]:
    from .selectors import public_status

    status = public_status(petition)
    return {"tracking_code": petition.tracking_code, "status": status["status"],
            "status_label": status["status_label"], "regime": petition.regime,
            "acceptance_due": status["acceptance_due"], "conclusion_due": status["conclusion_due"],
            "duplicate": duplicate}


def _petitioner(data: PetitionerIn) -> dict[str, str]:
    from jisheng.core.idnumber import validate_id_number

    id_number = data.id_number.strip()
    if id_number:
        try:
            id_number = validate_id_number(id_number)
        except InvalidInput as exc:  # the message names the problem, never echoes the number
            raise HttpError(400, f"petitioner.id_number: {exc}（号码不详时请不填此项）") from None
    name = data.name.strip()
    if not name:
        raise HttpError(400, "petitioner.name: 请填写信访人姓名")
    return {"name": name, "phone": data.phone.strip(), "id_number": id_number}


@router.post("/work-orders", response={201: WorkOrderOut, 200: WorkOrderOut}, url_name="petitions_work_order_create",
             summary="登记热线工单（幂等）")
@_token_operation
def work_order_create(request: HttpRequest, payload: WorkOrderIn) -> Status[dict[str, Any]]:
    """Register a 12345/12356 work order as a petition (contract §7). 201 the first time; 200 with the same record
    and ``"duplicate": true`` for an ``order_no`` already registered (also when posted many times at once). ``regime``
    is the regulation in force on the day received; ``acceptance_due`` is 15 calendar days after receipt (contract
    §1). 400/422 name the field."""
    from jisheng.core.selectors import area_by_code

    from .services import petition_receive, petitions_area

    token = request.auth  # type: ignore[attr-defined]
    order_no = payload.order_no.strip()
    if not order_no:
        raise HttpError(400, "order_no: 工单号不能为空")
    receiving = petitions_area()
    concerned = None
    if payload.area_code:
        concerned = area_by_code(payload.area_code.strip())
        if concerned is None or not receiving.contains(concerned):
            raise HttpError(400, f"area_code: 未知的地区或不在{receiving.name}辖区内")
    try:
        petition, created = petition_receive(
            channel=channel_from_api(payload.channel), received_at=payload.received_at, subject=payload.subject,
            content=payload.content, petitioner=_petitioner(payload.petitioner), actor=token.account,
            order_no=order_no, area=receiving, concerned_area=concerned)
    except InvalidInput as exc:
        raise HttpError(400, str(exc)) from None
    except NotPermitted as exc:
        raise HttpError(403, str(exc)) from None
    return Status(201 if created else 200, _answer(petition, duplicate=not created))


@router.get("/work-orders/{order_no}", response=WorkOrderStatusOut, url_name="petitions_work_order",
            summary="查询热线工单办理情况")
@_token_operation
def work_order_read(request: HttpRequest, order_no: str) -> dict[str, Any]:
    """What the hotline reads back to the caller (contract §7): status, conclusion due date, the latest reply
    (text and the day it was sent) and the satisfaction recorded for it. 404 for an unknown work-order number."""
    petition = (Petition.objects.select_related("case").filter(order_no=order_no.strip()).exclude(order_no="")
                .first())
    if petition is None:
        raise HttpError(404, "未找到该工单号")
    return _status_answer(petition)


def _status_answer(petition: Petition) -> dict[str, Any]:
    """The GET answer for ``petition``: :func:`jisheng.petitions.selectors.public_status` with the satisfaction as
    its machine key (contract §7) instead of its label, and the reply's text masked as the tracking page shows it
    (:func:`jisheng.petitions.public.masked_reply`: ID numbers, phones and the parties' names; contract §3 —
    the answer leaves the staff UI, and every token of the scope reads every work order)."""
    from .public import masked_reply
    from .selectors import public_status

    status = public_status(petition)
    reply = status["reply"]
    satisfaction = None
    if reply is not None:
        follow_up = petition.follow_ups.filter(round=reply["round"]).first()
        satisfaction = follow_up.result if follow_up is not None else None
    return {"tracking_code": petition.tracking_code, "status": status["status"],
            "status_label": status["status_label"], "regime": petition.regime,
            "acceptance_due": status["acceptance_due"], "conclusion_due": status["conclusion_due"],
            "reply": None if reply is None else {"text": masked_reply(petition, str(reply["text"])),
                                                 "replied_on": reply["replied_on"]},
            "satisfaction": satisfaction}
