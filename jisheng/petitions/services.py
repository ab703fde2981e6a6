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
from jisheng.core.errors import InvalidInput, NotPermitted
from jisheng.core.models import Area

from . import rules
from .enums import Channel
from .models import TRACKING_ALPHABET, TRACKING_LENGTH, Petition

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


def _registry_person(id_number: str) -> Any:
    from jisheng.core.idnumber import normalise_id_number
    from jisheng.registry.models import Person

    if not id_number:
        return None
    try:
        normalised = normalise_id_number(id_number)
    except Exception:
        return None
    return Person.objects.filter(id_number=normalised, status="alive").first()


def _order_lock(order_no: str) -> None:
    """On PostgreSQL, serialise concurrent intakes of one work order until the transaction ends."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(order_no.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


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
            a group size below 1 or below the representatives, a receipt time after now or before 2005-05-01.
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
    if received_at > clock.now():
        raise InvalidInput(_("收到时间晚于现在"), location="received_at")
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
                                     outside_parties=parties, summary=subject.strip()[:255], is_demo=is_demo)
            person = _registry_person(parties[0]["id_number"])
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
