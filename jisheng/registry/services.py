"""All writes to the registry. Keyword-only arguments, ``actor=`` on every change, one transaction each.

Every creation path (form, import, API, demo generator) ends in :func:`person_create` or the bulk
helpers in :mod:`jisheng.registry.dedup`, so duplicate detection runs on all of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.db import transaction

from jisheng.core import audit, clock
from jisheng.core.errors import InvalidInput, TransitionNotAllowed
from jisheng.core.idnumber import validate_id_number
from jisheng.core.models import Area, AreaLevel

from .models import (
    LifeEvent,
    LifeEventKind,
    Marriage,
    MarriageEndReason,
    ParentChild,
    ParentChildKind,
    Person,
    PersonStatus,
    Sex,
)
from .pinyin import pinyin_keys

#: Fields a person form or import may set.
PERSON_FIELDS = (
    "name", "sex", "birth_date", "id_number", "ethnicity", "hukou_type", "hukou_area", "hukou_place",
    "residence_area", "household", "phone", "bank_name", "bank_account", "is_floating", "is_demo",
)


def _acting(actor: Any) -> contextlib.AbstractContextManager[Any]:
    """Audit context for ``actor`` unless a request or command already set one."""
    if actor is not None and audit.current().actor is None:
        return audit.context(actor=actor)
    return contextlib.nullcontext()


def town_of(area: Area | None) -> Area | None:
    """Return the town (镇/街道) containing ``area`` (itself when it is a town), or None above town level."""
    if area is None:
        return None
    if area.level == AreaLevel.TOWN:
        return area
    if area.level == AreaLevel.VILLAGE:
        return area.parent
    return None


def _prepare(person: Person) -> None:
    """Fill derived fields (pinyin keys, town) and validate a person before saving.

    Raises:
        InvalidInput: naming the field (姓名, 性别, 公民身份号码, …).
    """
    person.name = (person.name or "").strip()
    if not person.name:
        raise InvalidInput("姓名不能为空", location="姓名")
    if person.sex not in (Sex.MALE, Sex.FEMALE):
        raise InvalidInput("性别应为男或女", location="性别")
    if person.birth_date is None:
        raise InvalidInput("出生日期不能为空", location="出生日期")
    if person.birth_date > clock.today():
        raise InvalidInput("出生日期晚于今天", location="出生日期")
    if person.id_number:
        try:
            person.id_number = validate_id_number(person.id_number, person.birth_date)
        except InvalidInput as exc:
            raise InvalidInput(str(exc), location="公民身份号码") from None
    person.name_pinyin, person.name_initials = pinyin_keys(person.name)
    person.town = town_of(person.residence_area)


@transaction.atomic
def person_create(*, actor: Any, source: str = "form", **fields: Any) -> Person:
    """Create a person from ``fields`` (see :data:`PERSON_FIELDS`) and queue suspected duplicates.

    ``source`` names the creation path (form / import / api / demo) for the review queue.

    Raises:
        InvalidInput: a bad field, or a living person with the same ID number exists
            ("已有在册人员使用该身份证号" — that living person is named by id in ``location``).
    """
    from .dedup import flag_duplicates

    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise InvalidInput(f"未知字段：{', '.join(sorted(unknown))}")
    person = Person(**fields)
    _prepare(person)
    if person.id_number:
        clash = Person.objects.filter(id_number=person.id_number, status=PersonStatus.ALIVE).first()
        if clash is not None:
            raise InvalidInput("已有在册人员使用该身份证号", location=f"公民身份号码（人员 #{clash.pk}）")
    with _acting(actor):
        person.save()
        flag_duplicates(person, source=source)
    return person


@transaction.atomic
def person_update(person: Person, *, actor: Any, **changes: Any) -> Person:
    """Change fields of ``person`` (see :data:`PERSON_FIELDS`); the audit trail records before/after.

    Raises:
        InvalidInput: a bad field, an unknown field name, or an ID number used by another living person.
    """
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise InvalidInput(f"未知字段：{', '.join(sorted(unknown))}")
    for key, value in changes.items():
        setattr(person, key, value)
    _prepare(person)
    if person.id_number and person.status == PersonStatus.ALIVE:
        clash = (Person.objects.filter(id_number=person.id_number, status=PersonStatus.ALIVE)
                 .exclude(pk=person.pk).first())
        if clash is not None:
            raise InvalidInput("已有在册人员使用该身份证号", location=f"公民身份号码（人员 #{clash.pk}）")
    with _acting(actor):
        person.save()
    return person


@transaction.atomic
def life_event_record(person: Person, *, kind: str, date: dt.date, actor: Any,
                      details: dict[str, Any] | None = None) -> LifeEvent:
    """Append a life event of ``kind`` (a :class:`LifeEventKind`) on ``date`` to ``person``.

    Raises:
        InvalidInput: unknown kind, a date before birth or in the future, or a disability grade not 1–4.
    """
    if kind not in LifeEventKind.values:
        raise InvalidInput(f"未知的事件类型：{kind}", location="事件")
    if date < person.birth_date or date > clock.today():
        raise InvalidInput("事件日期应在出生之后、今天之前", location="日期")
    details = dict(details or {})
    if kind == LifeEventKind.DISABILITY_CERTIFICATE:
        grade = details.get("grade")
        if grade is not None and (not isinstance(grade, int) or not 1 <= grade <= 4):
            raise InvalidInput("残疾等级应为 1–4 级", location="等级")
    with _acting(actor):
        return LifeEvent.objects.create(person=person, kind=kind, date=date, details=details)


def disability_certificate_record(person: Person, *, grade: int | None, date: dt.date, actor: Any,
                                  category: str = "", number: str = "") -> LifeEvent:
    """Record a disability certificate (残疾人证) of ``grade`` 1–4 issued on ``date`` (None = withdrawn)."""
    return life_event_record(person, kind=LifeEventKind.DISABILITY_CERTIFICATE, date=date, actor=actor,
                             details={"grade": grade, "category": category, "number": number})


@transaction.atomic
def person_record_death(person: Person, *, date: dt.date, actor: Any) -> Person:
    """Record the death of ``person`` on ``date``; ends a current marriage by death for the spouse.

    Raises:
        TransitionNotAllowed: the person is already recorded dead or merged.
        InvalidInput: the date is before birth or in the future.
    """
    from .selectors import current_marriage

    if person.status in (PersonStatus.DEAD, PersonStatus.MERGED):
        raise TransitionNotAllowed("该人员已登记死亡或已合并")
    life_event_record(person, kind=LifeEventKind.DEATH, date=date, actor=actor)
    marriage = current_marriage(person, date)
    with _acting(actor):
        person.status = PersonStatus.DEAD
        person.death_date = date
        person.save()
        if marriage is not None:
            marriage.end_date = date
            marriage.end_reason = MarriageEndReason.DEATH
            marriage.save()
    return person


@transaction.atomic
def marriage_register(*, husband: Person, wife: Person, start_date: dt.date, actor: Any) -> Marriage:
    """Register a marriage and record ``marriage`` life events on both spouses.

    Raises:
        InvalidInput: wrong sexes, the same person twice, a date before either birth or in the future,
            or either spouse still married on ``start_date``.
    """
    from .selectors import current_marriage

    if husband.sex != Sex.MALE or wife.sex != Sex.FEMALE:
        raise InvalidInput("丈夫应为男性，妻子应为女性", location="婚姻")
    if start_date > clock.today() or start_date < max(husband.birth_date, wife.birth_date):
        raise InvalidInput("结婚日期不合理", location="登记结婚日期")
    for spouse in (husband, wife):
        if current_marriage(spouse, start_date) is not None:
            raise InvalidInput(f"{spouse.name} 在该日期仍有婚姻关系", location="婚姻")
    with _acting(actor):
        marriage = Marriage.objects.create(husband=husband, wife=wife, start_date=start_date)
        for spouse in (husband, wife):
            LifeEvent.objects.create(person=spouse, kind=LifeEventKind.MARRIAGE, date=start_date,
                                     details={"marriage_id": marriage.pk})
    return marriage


@transaction.atomic
def marriage_end(marriage: Marriage, *, end_date: dt.date, end_reason: str, actor: Any) -> Marriage:
    """End ``marriage`` on ``end_date`` by ``end_reason`` ("divorce" or "death").

    Raises:
        TransitionNotAllowed: already ended.
        InvalidInput: unknown reason or a date before the start.
    """
    if marriage.end_date is not None:
        raise TransitionNotAllowed("该婚姻已终止")
    if end_reason not in MarriageEndReason.values:
        raise InvalidInput(f"未知的终止原因：{end_reason}", location="终止原因")
    if end_date < marriage.start_date or end_date > clock.today():
        raise InvalidInput("终止日期不合理", location="婚姻终止日期")
    with _acting(actor):
        marriage.end_date = end_date
        marriage.end_reason = end_reason
        marriage.save()
        if end_reason == MarriageEndReason.DIVORCE:
            for spouse_id in (marriage.husband_id, marriage.wife_id):
                LifeEvent.objects.create(person_id=spouse_id, kind=LifeEventKind.DIVORCE, date=end_date,
                                         details={"marriage_id": marriage.pk})
    return marriage


@transaction.atomic
def parent_child_link(*, parent: Person, child: Person, kind: str = ParentChildKind.BIRTH, actor: Any,
                      since: dt.date | None = None) -> ParentChild:
    """Record that ``parent`` is a parent of ``child`` (birth, adoption or step); idempotent for a pair.

    Records a ``birth`` or ``adoption`` life event on the parent.

    Raises:
        InvalidInput: same person, unknown kind, or a parent younger than the child.
    """
    if parent.pk == child.pk:
        raise InvalidInput("不能将本人登记为自己的父母", location="亲子关系")
    if kind not in ParentChildKind.values:
        raise InvalidInput(f"未知的亲子关系：{kind}", location="关系")
    if parent.birth_date >= child.birth_date:
        raise InvalidInput("父母的出生日期应早于子女", location="亲子关系")
    existing = ParentChild.objects.filter(parent=parent, child=child).first()
    if existing is not None:
        return existing
    with _acting(actor):
        link = ParentChild.objects.create(parent=parent, child=child, kind=kind, since=since)
        if kind in (ParentChildKind.BIRTH, ParentChildKind.ADOPTION):
            LifeEvent.objects.create(
                person=parent, kind=LifeEventKind.BIRTH if kind == ParentChildKind.BIRTH else LifeEventKind.ADOPTION,
                date=child.birth_date if kind == ParentChildKind.BIRTH else (since or child.birth_date),
                details={"child_id": child.pk})
    return link
