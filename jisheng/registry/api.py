"""Registry API: search people, read one person (masked), register a person (duplicate check included).

No ``from __future__ import annotations`` here: django-ninja resolves parameter annotations at import.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from jisheng.accounts.roles import roles_with
from jisheng.core import audit
from jisheng.core.api import api_scope
from jisheng.core.errors import Conflict, InvalidInput
from jisheng.core.masking import mask_id_number, mask_phone
from jisheng.core.selectors import area_by_code

from . import dedup, services
from .access import in_scope_ids, person_get_for_user, search_persons_for_user
from .models import Person

router = Router(tags=["registry"], auth=django_auth)


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date
    id_number_masked: str
    phone_masked: str
    hukou_type: str
    residence_area_code: str
    status: str
    is_floating: bool


class PersonPageOut(Schema):
    items: list[PersonOut]
    next_cursor: str | None
    count: str


class PersonIn(Schema):
    name: str
    sex: str
    birth_date: dt.date
    id_number: str = ""
    ethnicity: str = "汉族"
    hukou_type: str
    hukou_area_code: str | None = None
    hukou_place: str = ""
    residence_area_code: str
    phone: str = ""


class PersonCreatedOut(Schema):
    id: int
    suspected_duplicates: list[int]


def _out(p: Person) -> dict[str, Any]:
    return {
        "id": p.pk, "name": p.name, "sex": p.sex, "birth_date": p.birth_date,
        "id_number_masked": mask_id_number(p.id_number), "phone_masked": mask_phone(p.phone),
        "hukou_type": p.hukou_type, "residence_area_code": p.residence_area.code, "status": p.status,
        "is_floating": p.is_floating,
    }


@router.get("/persons", response=PersonPageOut, url_name="registry_persons")
@api_scope(roles=roles_with("registry.view"))
def person_search(request: HttpRequest, q: str = "", area: str = "", status: str = "",
                  after: str = "") -> dict[str, Any]:
    """Search people in the caller's scope (ID number exact; name, pinyin or initials prefix); 50 per page; the
    look-up is audited. 400 for a malformed ``after`` cursor."""
    area, status = area.replace("\x00", ""), status.replace("\x00", "")  # PostgreSQL refuses NUL in text
    area_obj = area_by_code(area) if area else None
    if area and (area_obj is None or not request.user.area or  # type: ignore[union-attr]
                 not request.user.area.contains(area_obj)):  # type: ignore[union-attr]
        raise HttpError(404, "未知的地区")
    try:
        page = search_persons_for_user(request.user, purpose="接口", q=q, area=area_obj, status=status,
                                       cursor=after or None)
    except InvalidInput as exc:
        raise HttpError(400, str(exc)) from None
    return {"items": [_out(p) for p in page.items], "next_cursor": page.next_cursor, "count": page.count_text}


@router.get("/persons/{pk}", response=PersonOut, url_name="registry_person")
@api_scope(roles=roles_with("registry.view"), obj="registry.person")
def person_read(request: HttpRequest, pk: int) -> dict[str, Any]:
    """One person in the caller's scope, with masked ID number and phone (404 outside the scope); audited."""
    person = person_get_for_user(request.user, pk)
    audit.record_view(person, what="人员信息（接口）")
    return _out(person)


@router.post("/persons", response={201: PersonCreatedOut}, url_name="registry_person_create")
@api_scope(roles=roles_with("registry.change"))
def person_create(request: HttpRequest, payload: PersonIn) -> Status[dict[str, Any]]:
    """Register a person; suspected duplicates are queued for review, and those inside the caller's scope returned.
    400 names the field; 409 when the ID number is used by a living record — also one registered by the same request
    sent twice at once (a number used outside the scope: without naming that record or where it is)."""
    scope = request.user.area  # type: ignore[union-attr]
    residence = area_by_code(payload.residence_area_code)
    if residence is None or scope is None or not scope.contains(residence):
        raise HttpError(400, "residence_area_code: 未知的地区或不在管辖范围内")
    hukou = area_by_code(payload.hukou_area_code) if payload.hukou_area_code else None
    if payload.hukou_area_code and hukou is None:
        raise HttpError(400, "hukou_area_code: 未知的地区")
    try:
        person = services.person_create(
            actor=request.user, source="api", name=payload.name, sex=payload.sex, birth_date=payload.birth_date,
            id_number=payload.id_number, ethnicity=payload.ethnicity, hukou_type=payload.hukou_type,
            hukou_area=hukou, hukou_place=payload.hukou_place, residence_area=residence, phone=payload.phone,
            is_floating=hukou is None,
        )
    except Conflict as exc:
        raise HttpError(409, str(exc)) from None
    except InvalidInput as exc:
        raise HttpError(400, str(exc)) from None
    # every suspected pair is queued for review; the answer names only records the caller may see
    suspected = in_scope_ids(request.user, [o.pk for o, _ in dedup.find_duplicates(person)])
    return Status(201, {"id": person.pk, "suspected_duplicates": suspected})
