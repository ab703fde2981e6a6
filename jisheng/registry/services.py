"""All writes to the registry. Keyword-only arguments, ``actor=`` on every change, one transaction each.

Every creation path (form, import, API, demo generator) ends in :func:`person_create` or the bulk
helpers in :mod:`jisheng.registry.dedup`, so duplicate detection runs on all of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from jisheng.core import audit, clock
from jisheng.core.errors import Conflict, InvalidInput, TransitionNotAllowed
from jisheng.core.idnumber import validate_id_number
from jisheng.core.models import Area, AreaLevel

from . import hooks
from .access import id_number_refusal, outside_scope_refusal, scope_of
from .models import (
    HukouType,
    ImportMode,
    ImportStatus,
    LifeEvent,
    LifeEventKind,
    Marriage,
    MarriageEndReason,
    ParentChild,
    ParentChildKind,
    Person,
    PersonStatus,
    RosterImport,
    Sex,
)
from .pinyin import has_parts, pinyin_keys, plain_name

logger = logging.getLogger(__name__)

#: Fields a person form or import may set.
PERSON_FIELDS = (
    "name", "sex", "birth_date", "id_number", "ethnicity", "hukou_type", "hukou_area", "hukou_place",
    "residence_area", "household", "phone", "bank_name", "bank_account", "is_floating", "is_demo",
)


def town_of(area: Area | None) -> Area | None:
    """Return the town (镇/街道) containing ``area`` (itself when it is a town), or None above town level."""
    if area is None:
        return None
    if area.level == AreaLevel.TOWN:
        return area
    if area.level == AreaLevel.VILLAGE:
        return area.parent
    return None


#: Text fields checked against their column length before saving (PostgreSQL would refuse them with a 500).
_LIMITED_FIELDS = ("name", "ethnicity", "hukou_place", "phone", "bank_name", "bank_account")
_FIELD_LIMITS: dict[str, tuple[int, str]] = {
    f.name: (int(f.max_length or 0), str(f.verbose_name))
    for f in Person._meta.concrete_fields if f.name in _LIMITED_FIELDS
}
#: A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(...)); no name starts so.
_FORMULA_STARTS = ("=", "+", "-", "@")


def _prepare(person: Person) -> None:
    """Fill derived fields (pinyin keys, town) and validate a person before saving.

    Raises:
        InvalidInput: naming the field (姓名, 性别, 公民身份号码, …): empty or formula-like name, a text
            longer than its column, an unknown hukou type, a bad ID number or birth date.
    """
    person.name = (person.name or "").strip()
    if not person.name:
        raise InvalidInput("姓名不能为空", location="姓名")
    if person.name[0] in _FORMULA_STARTS or any(ord(ch) < 32 for ch in person.name):
        raise InvalidInput("姓名含有公式或控制字符", location="姓名")
    for field_name in _LIMITED_FIELDS:
        value = getattr(person, field_name) or ""
        if any(ord(ch) < 32 for ch in value):  # NUL and other control characters: PostgreSQL refuses NUL
            raise InvalidInput("含有控制字符", location=_FIELD_LIMITS[field_name][1])
        limit, label = _FIELD_LIMITS[field_name]
        if len(value) > limit:
            raise InvalidInput(f"不能超过 {limit} 个字符（现为 {len(value)} 个）", location=label)
    if person.hukou_type not in HukouType.values:
        raise InvalidInput("户口性质应为农业或非农业", location="户口性质")
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
    person.name_plain = plain_name(person.name) if has_parts(person.name) else ""
    person.town = town_of(person.residence_area)


def _refuse_used_number(person: Person, *, actor: Any, exclude_pk: int | None = None) -> None:
    """Raise :func:`~.access.id_number_refusal`'s answer as a :class:`Conflict` when another living record uses
    ``person``'s ID number."""
    refusal = id_number_refusal(person.id_number, scope=scope_of(actor), exclude_pk=exclude_pk)
    if refusal is not None:
        raise Conflict(refusal.message, location=refusal.location)


def _save_person(person: Person, *, actor: Any) -> None:
    """Save ``person`` in a savepoint, so that a simultaneous save of the same living ID number (a double click, two
    officers at once: the unique index refuses the second when the first commits) gets the answer a repeated
    submission gets — never a 500 whose database text holds the full number.

    Raises:
        Conflict: the number is now used by the record saved at the same time, or (the other save having been
            undone meanwhile) a plain "submitted at the same time, try again".
    """
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        _refuse_used_number(person, actor=actor, exclude_pk=person.pk)
        raise Conflict(_("该记录正被同时保存，本次未保存，请刷新后核对"), location="公民身份号码") from None


def _lock(*persons: Person | None) -> None:
    """Lock the rows of ``persons`` (in id order, so two requests never wait on each other) for the rest of the
    transaction and read them again: a check of their status or family after this sees what a simultaneous request
    committed — the second of two death records waits for the first, then finds the person dead."""
    found = [p for p in persons if p is not None and p.pk is not None]
    list(Person.objects.select_for_update().filter(pk__in=[p.pk for p in found]).order_by("pk"))
    for person in found:
        person.refresh_from_db()


@transaction.atomic
def person_create(*, actor: Any, source: str = "form", **fields: Any) -> Person:
    """Create a person from ``fields`` (see :data:`PERSON_FIELDS`) and queue suspected duplicates.

    ``source`` names the creation path (form / import / api / demo) for the review queue.

    Raises:
        InvalidInput: a bad field.
        Conflict: a living person with the same ID number exists, also one saved at the same time (worded by
            :func:`~.access.id_number_refusal` for the actor's scope: never naming that record or where it is).
    """
    from .dedup import flag_duplicates

    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise InvalidInput(f"未知字段：{', '.join(sorted(unknown))}")
    person = Person(**fields)
    _prepare(person)
    _refuse_used_number(person, actor=actor)
    with audit.acting(actor):
        _save_person(person, actor=actor)
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
    if person.status == PersonStatus.ALIVE:
        _refuse_used_number(person, actor=actor, exclude_pk=person.pk)
    with audit.acting(actor):
        _save_person(person, actor=actor)
    return person


@transaction.atomic
def life_event_record(person: Person, *, kind: str, date: dt.date, actor: Any,
                      details: dict[str, Any] | None = None) -> LifeEvent:
    """Append a life event of ``kind`` (a :class:`LifeEventKind`) on ``date`` to ``person``.

    Raises:
        InvalidInput: unknown kind, a date before birth or in the future, or a disability grade not 1–4.
        Conflict: the same event (kind, date and details) is recorded already — a form sent twice.
    """
    if kind not in LifeEventKind.values:
        raise InvalidInput(f"未知的事件类型：{kind}", location="事件")
    _check_event_date(person, date)
    details = dict(details or {})
    if kind == LifeEventKind.DISABILITY_CERTIFICATE:
        grade = details.get("grade")
        if grade is not None and (not isinstance(grade, int) or not 1 <= grade <= 4):
            raise InvalidInput("残疾等级应为 1–4 级", location="等级")
    _lock(person)
    if LifeEvent.objects.filter(person=person, kind=kind, date=date, details=details).exists():
        raise Conflict(_("该事件已登记，未重复登记"), location="事件")
    with audit.acting(actor):
        return LifeEvent.objects.create(person=person, kind=kind, date=date, details=details)


def disability_certificate_record(person: Person, *, grade: int | None, date: dt.date, actor: Any,
                                  category: str = "", number: str = "") -> LifeEvent:
    """Record a disability certificate (残疾人证) of ``grade`` 1–4 issued on ``date`` (None = withdrawn)."""
    return life_event_record(person, kind=LifeEventKind.DISABILITY_CERTIFICATE, date=date, actor=actor,
                             details={"grade": grade, "category": category, "number": number})


@transaction.atomic
def person_record_death(person: Person, *, date: dt.date, actor: Any, cause: str = "") -> Person:
    """Record the death of ``person`` on ``date``; ends a current marriage by death for the spouse.

    ``cause`` (optional, at most 100 characters) is kept in the death event's details.

    Raises:
        TransitionNotAllowed: the person is already recorded dead or merged.
        InvalidInput: the date is before birth or in the future, or a cause too long.
    """
    from .selectors import current_marriage

    _lock(person)  # a death recorded at the same time is seen here: the person is dead by then
    if person.status in (PersonStatus.DEAD, PersonStatus.MERGED):
        raise TransitionNotAllowed("该人员已登记死亡或已合并")
    cause = cause.strip()
    if len(cause) > 100 or any(ord(ch) < 32 for ch in cause):
        raise InvalidInput("死亡原因不能超过 100 个字符，且不能含控制字符", location="死亡原因")
    later = (LifeEvent.objects.filter(person=person, date__gt=date)
             .exclude(kind=LifeEventKind.BIRTH)  # a child may be born after the father's death
             .order_by("date").first())
    if later is not None:
        raise InvalidInput(f"死亡日期早于已登记的{later.get_kind_display()}（{later.date:%Y-%m-%d}）",
                           location="日期")
    event = life_event_record(person, kind=LifeEventKind.DEATH, date=date, actor=actor,
                              details={"cause": cause} if cause else None)
    marriage = current_marriage(person, date)
    with audit.acting(actor):
        person.status = PersonStatus.DEAD
        person.death_date = date
        person.save()
        if marriage is not None:
            marriage.end_date = date
            marriage.end_reason = MarriageEndReason.DEATH
            marriage.save()
    hooks.life_event_recorded(event, actor=actor)  # e.g. benefits end the person's payments
    return person


@transaction.atomic
def marriage_register(*, husband: Person, wife: Person, start_date: dt.date, actor: Any) -> Marriage:
    """Register a marriage and record ``marriage`` life events on both spouses.

    Raises:
        InvalidInput: wrong sexes, the same person twice, a date before either birth or in the future,
            or either spouse still married on ``start_date``.
    """
    from .selectors import current_marriage, marriages_of

    if husband.sex != Sex.MALE or wife.sex != Sex.FEMALE:
        raise InvalidInput("丈夫应为男性，妻子应为女性", location="婚姻")
    if start_date > clock.today() or start_date < max(husband.birth_date, wife.birth_date):
        raise InvalidInput("结婚日期不合理", location="登记结婚日期")
    for spouse in (husband, wife):
        if spouse.status == PersonStatus.MERGED or (
                spouse.status == PersonStatus.DEAD and spouse.death_date is not None
                and spouse.death_date <= start_date):
            raise InvalidInput(f"{spouse.name} 在该日期已死亡或记录已合并", location="婚姻")
    # lock both records so two officers cannot register two current marriages at once (PostgreSQL)
    list(Person.objects.select_for_update().filter(pk__in=[husband.pk, wife.pk]).order_by("pk"))
    for spouse in (husband, wife):
        # in force on the date, or any marriage not ended by then (also one registered with a later date)
        if current_marriage(spouse, start_date) is not None or marriages_of(spouse).filter(
                Q(end_date__isnull=True) | Q(end_date__gt=start_date)).exists():
            raise InvalidInput(f"{spouse.name} 在该日期仍有婚姻关系", location="婚姻")
    with audit.acting(actor):
        marriage = Marriage.objects.create(husband=husband, wife=wife, start_date=start_date)
        for spouse in (husband, wife):
            LifeEvent.objects.create(person=spouse, kind=LifeEventKind.MARRIAGE, date=start_date,
                                     details={"marriage_id": marriage.pk})
    return marriage


@transaction.atomic
def marriage_end(marriage: Marriage, *, end_date: dt.date, end_reason: str, actor: Any) -> Marriage:
    """End ``marriage`` on ``end_date`` by ``end_reason`` ("divorce" or "death").

    Raises:
        TransitionNotAllowed: already ended (also by a request at the same time).
        InvalidInput: unknown reason or a date before the start.
    """
    Marriage.objects.select_for_update().filter(pk=marriage.pk).first()
    marriage.refresh_from_db()
    if marriage.end_date is not None:
        raise TransitionNotAllowed("该婚姻已终止")
    if end_reason not in MarriageEndReason.values:
        raise InvalidInput(f"未知的终止原因：{end_reason}", location="终止原因")
    if end_date < marriage.start_date or end_date > clock.today():
        raise InvalidInput("终止日期不合理", location="婚姻终止日期")
    with audit.acting(actor):
        marriage.end_date = end_date
        marriage.end_reason = end_reason
        marriage.save()
        if end_reason == MarriageEndReason.DIVORCE:
            for spouse_id in (marriage.husband_id, marriage.wife_id):
                event = LifeEvent.objects.create(person_id=spouse_id, kind=LifeEventKind.DIVORCE, date=end_date,
                                                 details={"marriage_id": marriage.pk})
                hooks.life_event_recorded(event, actor=actor)
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
    try:
        with transaction.atomic(), audit.acting(actor):  # a savepoint: the same pair linked at the same time
            link = ParentChild.objects.create(parent=parent, child=child, kind=kind, since=since)
            if kind in (ParentChildKind.BIRTH, ParentChildKind.ADOPTION):
                LifeEvent.objects.create(
                    person=parent,
                    kind=LifeEventKind.BIRTH if kind == ParentChildKind.BIRTH else LifeEventKind.ADOPTION,
                    date=child.birth_date if kind == ParentChildKind.BIRTH else (since or child.birth_date),
                    details={"child_id": child.pk})
    except IntegrityError:
        return ParentChild.objects.get(parent=parent, child=child)
    return link


def _living(person: Person) -> None:
    """Lock ``person`` (:func:`_lock`) and raise TransitionNotAllowed when they are recorded dead or merged (no more
    events), also by a request committed meanwhile."""
    _lock(person)
    if person.status in (PersonStatus.DEAD, PersonStatus.MERGED):
        raise TransitionNotAllowed("该人员已登记死亡或已合并，不能再登记事件")


def _check_event_date(person: Person, date: dt.date, location: str = "日期") -> None:
    if date > clock.today():
        raise InvalidInput("日期不能晚于今天", location=location)
    if date < person.birth_date:
        raise InvalidInput("日期不能早于出生日期", location=location)


@transaction.atomic
def child_register(*, parent: Person, actor: Any, name: str, sex: str, birth_date: dt.date, id_number: str = "",
                   with_spouse: bool = True) -> Person:
    """Register a newborn child of ``parent`` (出生登记) and link it by birth; duplicate detection runs.

    The child lives where the parent lives and takes the parent's hukou (type, area or outside place).
    With ``with_spouse``, the parent's spouse on ``birth_date`` is linked as the other parent.
    Created through :func:`person_create`, so suspected duplicates are queued for review.

    Idempotent for a form sent twice: a child of the same name, sex and birth date already registered to this
    parent or their spouse is the same child — the parents not linked to it yet are linked, and when both already
    are, nothing is written (:class:`Conflict`). Both parents are locked first, so the same newborn sent at the
    same time (twice from one page, or from each parent's page) is registered once.

    Raises:
        TransitionNotAllowed: the parent is recorded dead or merged.
        InvalidInput: a bad field (named), a living person with the same ID number, or a parent not older
            than the child.
        Conflict: the child is registered to every parent already.
    """
    from .selectors import current_marriage

    marriage = current_marriage(parent, birth_date)
    spouse = None if marriage is None else (marriage.wife if marriage.husband_id == parent.pk else marriage.husband)
    _lock(parent, spouse)
    _living(parent)
    parents = [parent, spouse] if with_spouse and spouse is not None else [parent]
    known = (ParentChild.objects.filter(parent_id__in=[p.pk for p in (parent, spouse) if p is not None],
                                        child__name=(name or "").strip(), child__sex=sex, child__birth_date=birth_date)
             .exclude(child__status=PersonStatus.MERGED).select_related("child").order_by("child_id").first())
    if known is not None:
        child = known.child
        missing = [p for p in parents if not ParentChild.objects.filter(parent=p, child=child).exists()]
        if not missing:
            raise Conflict(_("已登记该子女（%(name)s，%(date)s 出生），未重复登记") % {
                "name": child.name, "date": f"{child.birth_date:%Y-%m-%d}"}, location="姓名")
    else:
        child = person_create(
            actor=actor, source="form", name=name, sex=sex, birth_date=birth_date, id_number=id_number,
            hukou_type=parent.hukou_type, hukou_area=parent.hukou_area, hukou_place=parent.hukou_place,
            residence_area=parent.residence_area, household=parent.household,
        )
        missing = parents
    for each in missing:
        parent_child_link(parent=each, child=child, kind=ParentChildKind.BIRTH, actor=actor)
    return child


@transaction.atomic
def person_move(person: Person, *, date: dt.date, actor: Any, to_area: Area | None = None,
                destination: str = "") -> Person:
    """Record a move (迁入/迁出) of ``person`` on ``date``.

    With ``to_area`` (a village or town): the person now lives there (``residence_area``; a moved-out
    person returns to the register) and a ``move_in`` event records ``{"from", "to"}`` area names.
    Without it: the person moved out of the installation's area (status ``moved_out``) to ``destination``
    (free text, optional) and a ``move_out`` event records it. The caller checks that ``to_area`` lies
    in the user's scope.

    Raises:
        TransitionNotAllowed: dead or merged, or moved out twice.
        InvalidInput: a date before birth or in the future, the same area again, an area above town level,
            a destination longer than 128 characters, or (returning) an ID number used by a living person.
    """
    _living(person)
    _check_event_date(person, date)
    before = person.residence_area
    if to_area is None:
        if person.status == PersonStatus.MOVED_OUT:
            raise TransitionNotAllowed("该人员已登记迁出")
        destination = destination.strip()
        if len(destination) > 128 or any(ord(ch) < 32 for ch in destination):
            raise InvalidInput("迁往地不能超过 128 个字符，且不能含控制字符", location="迁往地")
        with audit.acting(actor):
            person.status = PersonStatus.MOVED_OUT
            person.save()
            event = LifeEvent.objects.create(person=person, kind=LifeEventKind.MOVE_OUT, date=date,
                                             details={"from": before.name, "to": destination})
        hooks.life_event_recorded(event, actor=actor)
        return person
    if to_area.level not in (AreaLevel.TOWN, AreaLevel.VILLAGE):
        raise InvalidInput("新居住地应为镇（街道）或村（居）", location="新居住地")
    if to_area.pk == person.residence_area_id and person.status == PersonStatus.ALIVE:
        raise InvalidInput("新居住地与现居住地相同", location="新居住地")
    if person.status == PersonStatus.MOVED_OUT:
        _refuse_used_number(person, actor=actor, exclude_pk=person.pk)
        person.status = PersonStatus.ALIVE
    person.residence_area = to_area
    _prepare(person)
    with audit.acting(actor):
        _save_person(person, actor=actor)
        LifeEvent.objects.create(person=person, kind=LifeEventKind.MOVE_IN, date=date,
                                 details={"from": before.name, "to": to_area.name})
    return person


@transaction.atomic
def floating_register(person: Person, *, date: dt.date, actor: Any, origin: str = "") -> Person:
    """Register ``person`` as floating population (流动人口登记) from ``origin`` on ``date``.

    ``origin`` (where they came from; default the hukou place) is kept in the event's ``from``.

    Raises:
        TransitionNotAllowed: dead, merged, moved out, or already registered as floating.
        InvalidInput: a date before birth or in the future, or an origin longer than 128 characters.
    """
    _living(person)
    if person.status == PersonStatus.MOVED_OUT:
        raise TransitionNotAllowed("该人员已迁出，请先登记迁入")
    if person.is_floating:
        raise TransitionNotAllowed("该人员已登记为流动人口")
    _check_event_date(person, date)
    origin = (origin.strip() or person.hukou_place)[:128]
    if any(ord(ch) < 32 for ch in origin):
        raise InvalidInput("不能含控制字符", location="来源地")
    with audit.acting(actor):
        person.is_floating = True
        person.save()
        LifeEvent.objects.create(person=person, kind=LifeEventKind.FLOATING_REGISTRATION, date=date,
                                 details={"from": origin})
    return person


# --- roster import ---------------------------------------------------------------------------------

#: Rows written per transaction (and between progress reports) in "import the valid rows" mode.
PROGRESS_EVERY = 200

#: Largest roster file accepted by the upload (about 200,000 CSV rows).
MAX_ROSTER_BYTES = 20 * 1024 * 1024

#: Fields compared to decide whether an imported row changes an existing person.
_IMPORT_COMPARED = ("name", "sex", "birth_date", "hukou_type", "hukou_area", "hukou_place", "residence_area",
                    "is_floating")
_IMPORT_OPTIONAL = ("phone", "ethnicity")


#: A running import whose heartbeat is older than this lost its worker (killed, out of memory, machine restarted).
IMPORT_STALE_AFTER = dt.timedelta(minutes=3)
#: Times an import is started again after losing its worker; the next loss fails it with a message.
IMPORT_MAX_ATTEMPTS = 2


@dataclass
class ImportOutcome:
    """What an import did (contract §6): rows read, imported (new or changed), unchanged, errors; ``stopped``
    when checking stopped at :data:`~.roster.MAX_ERRORS` (then nothing is imported)."""

    rows: int
    imported: int
    unchanged: int
    errors: list[dict[str, Any]]
    encoding: str = ""
    stopped: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "imported": self.imported, "unchanged": self.unchanged, "errors": self.errors}


def _apply_row(values: dict[str, Any], *, actor: Any, scope: Area) -> str:
    """Create or update the person of one checked row; return "imported" or "unchanged".

    Raises:
        InvalidInput: the ID number belongs to a person outside ``scope``, or a write check failed.
    """
    candidates = Person.objects.filter(id_number=values["id_number"]).exclude(status=PersonStatus.MERGED)
    existing = (candidates.filter(status=PersonStatus.ALIVE).select_related("residence_area").first()
                or candidates.select_related("residence_area").order_by("-id").first())
    if existing is None:
        fields = {k: values[k] for k in _IMPORT_COMPARED + _IMPORT_OPTIONAL + ("id_number",)}
        if not fields["ethnicity"]:
            fields.pop("ethnicity")
        person_create(actor=actor, source="import", **fields)
        return "imported"
    if not scope.contains(existing.residence_area):
        raise outside_scope_refusal(location="身份证号")
    changes = {k: values[k] for k in _IMPORT_COMPARED if getattr(existing, k) != values[k]}
    changes.update({k: values[k] for k in _IMPORT_OPTIONAL if values[k] and getattr(existing, k) != values[k]})
    if not changes:
        return "unchanged"
    person_update(existing, actor=actor, **changes)
    return "imported"


def _import_row(parsed: Any, outcome: ImportOutcome, *, actor: Any, scope: Area) -> None:
    """Write one checked row in its own savepoint; count it or add its error to ``outcome``."""
    from jisheng.core.masking import mask_name

    name = mask_name(parsed.values.get("name", ""))
    try:
        with transaction.atomic():
            result = _apply_row(parsed.values, actor=actor, scope=scope)
    except InvalidInput as exc:
        column = exc.location or "身份证号"
        outcome.errors.append({"row": parsed.row, "name": name, "column": column.split("（")[0],
                               "problem": str(exc).split(": ", 1)[-1]})
        return
    except DatabaseError as exc:  # the row's savepoint is rolled back; the database's text may hold
        # personal data (a duplicate key names the number), so only the kind of error is reported
        outcome.errors.append({"row": parsed.row, "name": name, "column": "身份证号",
                               "problem": f"数据库拒绝保存该行（{type(exc).__name__}），请核对后重试"})
        return
    if result == "imported":
        outcome.imported += 1
    else:
        outcome.unchanged += 1


def roster_import_file(*, filename: str, data: bytes, scope: Area, actor: Any, mode: str = "valid",
                       dry_run: bool = False, progress: Callable[[int, int], None] | None = None,
                       checking: Callable[[int], None] | None = None) -> ImportOutcome:
    """Read, check and (unless ``dry_run``) write a roster; the engine behind the page, the task and the CLI.

    ``mode`` "valid" writes the good rows; "all" writes nothing when any row is bad; nothing is written either
    when checking stopped at :data:`~.roster.MAX_ERRORS`. Importing the same file twice changes nothing (rows are
    matched by ID number and compared). ``checking(rows)`` is called every 1,000 rows checked and
    ``progress(done, total)`` after every :data:`PROGRESS_EVERY` rows written; in "valid" mode each such chunk is
    committed first, so the progress is visible to the page polling it. Every error names the row's person
    masked (``name``); no error text holds a control character.

    Raises:
        InvalidInput: the file itself cannot be read (format, encoding, size, row count, missing columns).
    """
    from .roster import check_rows, clean_text, read_table

    table = read_table(filename, data)
    checked = check_rows(table, scope=scope, today=clock.today(), filename=filename, progress=checking)
    valid, errors = checked.valid, checked.errors
    outcome = ImportOutcome(rows=checked.rows, imported=0, unchanged=0, errors=errors, encoding=table.encoding,
                            stopped=checked.stopped)
    if dry_run or checked.stopped or (mode == "all" and errors):
        return outcome
    # "all": one transaction, rolled back when a row fails on writing. "valid": one transaction per
    # PROGRESS_EVERY rows, so the progress a poller reads from another connection is committed (inside one
    # big transaction PostgreSQL would show 0 until the end), and a crash leaves whole chunks that a re-run
    # (idempotent) reports as unchanged.
    whole_file = transaction.atomic() if mode == "all" else contextlib.nullcontext()
    with whole_file, audit.acting(actor):
        for start in range(0, len(valid), PROGRESS_EVERY):
            with transaction.atomic():
                for parsed in valid[start:start + PROGRESS_EVERY]:
                    _import_row(parsed, outcome, actor=actor, scope=scope)
            if progress is not None:
                progress(min(start + PROGRESS_EVERY, len(valid)), len(valid))
        if mode == "all" and errors:
            transaction.set_rollback(True)
            outcome.imported = outcome.unchanged = 0
    for e in errors:  # a database's message could echo a cell: no control character reaches the stored list
        e.update({k: clean_text(v) for k, v in e.items() if isinstance(v, str)})
    errors.sort(key=lambda e: (e["row"], e["column"]))
    return outcome


@transaction.atomic
def roster_import_create(*, filename: str, data: bytes, mode: str, area: Area, actor: Any) -> RosterImport:
    """Store an uploaded roster and queue its background import (enqueued when the transaction commits).

    Raises:
        InvalidInput: unknown mode, a file that is neither .xlsx nor .csv, an empty file, one larger than
            :data:`MAX_ROSTER_BYTES`, or an .xlsx that is no zip or unpacks to more than
            :data:`~.roster.MAX_XLSX_UNCOMPRESSED`.
    """
    from .roster import check_xlsx
    from .tasks import run_roster_import

    if mode not in ImportMode.values:
        raise InvalidInput(f"未知的导入方式：{mode}", location="方式")
    if not filename.lower().endswith((".xlsx", ".csv")):
        raise InvalidInput("只支持 .xlsx 或 .csv 文件", location="文件")
    if not data:
        raise InvalidInput("文件为空", location="文件")
    if len(data) > MAX_ROSTER_BYTES:  # the file is kept in the database; split larger rosters by town
        raise InvalidInput(f"文件过大：{len(data) / 1024 / 1024:.1f} MB，上限 {MAX_ROSTER_BYTES // 1024 // 1024} MB，"
                           "请按镇（街道）分开导入", location="文件")
    if filename.lower().endswith(".xlsx"):
        check_xlsx(data, "文件")
    with audit.acting(actor):
        job = RosterImport.objects.create(
            filename=filename[:255], content=data, sha256=hashlib.sha256(data).hexdigest(), mode=mode, area=area,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    job_id = job.pk
    transaction.on_commit(lambda: run_roster_import.enqueue(job_id))
    return job


class _Superseded(Exception):
    """This run's job was taken over by a recovery run (or finished): stop without touching it."""


def _import_finish(job_id: int, attempt: int, **fields: Any) -> int:
    """Write the final state of run ``attempt`` of import ``job_id``; returns the rows updated (0: superseded)."""
    return RosterImport.objects.filter(pk=job_id, attempts=attempt, status=ImportStatus.RUNNING).update(
        finished_at=clock.now(), **fields)


def roster_import_run(job_id: int) -> RosterImport:
    """Run a stored roster import (the background task body); idempotent for a finished job.

    The run claims a queued job (another worker's run of the same job does nothing) and writes a heartbeat with
    each progress report; a run whose job was meanwhile taken over by :func:`roster_imports_recover` stops. A
    failure of any kind — the final save included — ends the job as failed with a message, never "running".
    """
    job = RosterImport.objects.select_related("area", "created_by").get(pk=job_id)
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return job
    attempt = job.attempts
    claimed = RosterImport.objects.filter(pk=job_id, attempts=attempt, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, heartbeat_at=clock.now())
    if not claimed:
        job.refresh_from_db()
        return job
    mine = RosterImport.objects.filter(pk=job_id, attempts=attempt, status=ImportStatus.RUNNING)

    def beat(**fields: Any) -> None:
        if not mine.update(heartbeat_at=clock.now(), **fields):
            raise _Superseded

    def progress(done: int, total: int) -> None:
        beat(processed=done, rows=total)

    def checking(rows: int) -> None:
        beat()

    try:
        try:
            outcome = roster_import_file(filename=job.filename, data=bytes(job.content), scope=job.area,
                                         actor=job.created_by, mode=job.mode, progress=progress, checking=checking)
        except InvalidInput as exc:
            _import_finish(job_id, attempt, status=ImportStatus.FAILED, message=str(exc)[:255])
        else:
            message = ""
            if outcome.stopped:
                message = "错误过多，已停止检查，未导入任何数据"
            elif job.mode == ImportMode.ALL and outcome.errors:
                message = "全部正确才导入：有错误行，未导入任何数据"
            elif attempt:
                message = "导入进程曾中断，已重新导入；先前已导入的行计为无变化"
            _import_finish(job_id, attempt, status=ImportStatus.DONE, rows=outcome.rows, processed=outcome.rows,
                           imported=outcome.imported, unchanged=outcome.unchanged, errors=outcome.errors,
                           encoding=outcome.encoding, message=message)
    except _Superseded:
        pass
    except Exception as exc:  # never leave the job "running" for ever; the log names the kind only (no data)
        logger.error("roster import %s failed: %s", job_id, type(exc).__name__)
        RosterImport.objects.filter(pk=job_id, attempts=attempt).exclude(status=ImportStatus.DONE).update(
            status=ImportStatus.FAILED, finished_at=clock.now(),
            message=f"导入意外中止（{type(exc).__name__}），请联系系统管理员；已导入的行保留，可修正后重新导入")
    job.refresh_from_db()
    return job


def roster_imports_recover(*, area: Area | None = None) -> list[int]:
    """Recover imports whose worker died: a running job whose heartbeat is older than
    :data:`IMPORT_STALE_AFTER` is queued again (rows already written come back as unchanged) or, after
    :data:`IMPORT_MAX_ATTEMPTS` runs, failed with a message. ``area`` limits it to jobs inside that area (the
    pages call it for what they show). Returns the ids of the jobs recovered.
    """
    from .tasks import run_roster_import

    stale = RosterImport.objects.filter(status=ImportStatus.RUNNING).filter(
        Q(heartbeat_at__lt=clock.now() - IMPORT_STALE_AFTER) | Q(heartbeat_at__isnull=True,
                                                                 created_at__lt=clock.now() - IMPORT_STALE_AFTER))
    if area is not None:
        stale = stale.filter(area__path__startswith=area.path)
    recovered: list[int] = []
    for job_id, attempts in stale.values_list("pk", "attempts"):
        jobs = RosterImport.objects.filter(pk=job_id, attempts=attempts, status=ImportStatus.RUNNING)
        if attempts >= IMPORT_MAX_ATTEMPTS:
            done = jobs.update(status=ImportStatus.FAILED, finished_at=clock.now(), message=(
                "导入进程多次中断（可能文件过大或格式异常），已停止；已导入的行保留，请检查文件后重新导入"))
        else:
            done = jobs.update(status=ImportStatus.QUEUED, attempts=attempts + 1, heartbeat_at=None, message=(
                f"导入进程中断，已于 {clock.local(clock.now()):%H:%M} 重新开始（已导入的行不会重复）"))
            if done:
                transaction.on_commit(functools.partial(run_roster_import.enqueue, job_id))
        if done:
            recovered.append(job_id)
    return recovered


# --- search keys ---------------------------------------------------------------------------------------


def name_keys_refresh(stdout: Any = None) -> str:
    """Re-key stored names whose pinyin, initials or plain form the current rules (:mod:`.pinyin`) give otherwise:
    names written in parts and names starting with a surname of the surname table. Run by ``jisheng bootstrap``
    (a reference loader), idempotent; only the changed rows are written (search keys: not audited, not dated).
    Returns a one-line summary ("2 names re-keyed of 17 examined").
    """
    from .pinyin import _SURNAME_READINGS, NAME_SEPARATORS

    candidates = ~Q(name_plain="")
    for sep in NAME_SEPARATORS:
        candidates |= Q(name__contains=sep)
    for surname in _SURNAME_READINGS:
        candidates |= Q(name__startswith=surname)
    examined = changed = 0
    rows = Person.objects.filter(candidates).values_list("pk", "name", "name_pinyin", "name_initials", "name_plain")
    for pk, name, full, initials, plain in rows.order_by("pk").iterator(chunk_size=2000):
        examined += 1
        keys = (*pinyin_keys(name), plain_name(name) if has_parts(name) else "")
        if keys != (full, initials, plain):
            Person.objects.filter(pk=pk).update(name_pinyin=keys[0], name_initials=keys[1], name_plain=keys[2])
            changed += 1
    return f"{changed} names re-keyed of {examined} examined"
