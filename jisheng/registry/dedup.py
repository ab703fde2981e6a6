"""Duplicate detection and review: flag suspected pairs, merge them, undo a merge.

Suspected duplicates (legal identity is the citizen ID number, 居民身份证法 Art. 3):
- the same ID number on two non-merged records (e.g. a dead or moved-out record and a new living one);
- the same name and birth date in the same town (records without an ID number, typos in the ID).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, Q

from jisheng.core import audit, clock
from jisheng.core.errors import TransitionNotAllowed

from .models import (
    DuplicateCandidate,
    DuplicateReason,
    DuplicateStatus,
    LifeEvent,
    Marriage,
    ParentChild,
    Person,
    PersonStatus,
)


def find_duplicates(person: Person) -> list[tuple[Person, str]]:
    """Return ``[(other, reason)]`` for the records that look like the same person as ``person``."""
    others = Person.objects.exclude(pk=person.pk).exclude(status=PersonStatus.MERGED)
    found: dict[int, tuple[Person, str]] = {}
    if person.id_number:
        for other in others.filter(id_number=person.id_number)[:20]:
            found[other.pk] = (other, DuplicateReason.ID_NUMBER)
    area_q = Q(town_id=person.town_id) if person.town_id else Q(residence_area_id=person.residence_area_id)
    for other in others.filter(area_q, name=person.name, birth_date=person.birth_date)[:20]:
        found.setdefault(other.pk, (other, DuplicateReason.NAME_BIRTH_AREA))
    return list(found.values())


def flag_duplicates(person: Person, *, source: str) -> list[DuplicateCandidate]:
    """Queue every suspected duplicate of ``person`` for review (idempotent per pair); return the candidates."""
    out = []
    for other, reason in find_duplicates(person):
        a, b = (other, person) if other.pk < person.pk else (person, other)
        candidate, _ = DuplicateCandidate.objects.get_or_create(
            person_a=a, person_b=b,
            defaults={"reason": reason, "source": source, "area_id": b.residence_area_id},
        )
        out.append(candidate)
    return out


def scan_duplicates(*, source: str, demo_only: bool = False) -> int:
    """Find suspected duplicate pairs across the whole registry in two grouped queries and queue them.

    Used after bulk writes (demo generator, large imports) instead of a per-record check. Each group
    is paired with its oldest record. Returns the number of new candidates.
    """
    base = Person.objects.exclude(status=PersonStatus.MERGED)
    if demo_only:
        base = base.filter(is_demo=True)
    pairs: dict[tuple[int, int], str] = {}
    by_id = (base.exclude(id_number="").values("id_number").annotate(n=Count("id"), first=Min("id"))
             .filter(n__gt=1))
    for group in by_id.iterator():
        for pk in base.filter(id_number=group["id_number"]).exclude(pk=group["first"]).values_list("pk", flat=True):
            pairs[(group["first"], pk)] = DuplicateReason.ID_NUMBER
    by_name = (base.values("town_id", "name", "birth_date").annotate(n=Count("id"), first=Min("id"))
               .filter(n__gt=1))
    for group in by_name.iterator():
        others = base.filter(town_id=group["town_id"], name=group["name"], birth_date=group["birth_date"])
        for pk in others.exclude(pk=group["first"]).values_list("pk", flat=True):
            pairs.setdefault((group["first"], pk), DuplicateReason.NAME_BIRTH_AREA)
    if not pairs:
        return 0
    existing = set(DuplicateCandidate.objects.filter(person_a_id__in={a for a, _ in pairs})
                   .values_list("person_a_id", "person_b_id"))
    areas = dict(Person.objects.filter(pk__in={b for _, b in pairs}).values_list("pk", "residence_area_id"))
    new = [DuplicateCandidate(person_a_id=a, person_b_id=b, reason=reason, source=source, area_id=areas[b])
           for (a, b), reason in sorted(pairs.items()) if (a, b) not in existing]
    DuplicateCandidate.objects.bulk_create(new, batch_size=2000)
    return len(new)


#: Fields copied from the merged record into the survivor when the survivor's are empty.
_FILL_FIELDS = ("id_number", "phone", "bank_name", "bank_account", "ethnicity", "hukou_place")


@transaction.atomic
def duplicate_merge(candidate: DuplicateCandidate, *, actor: Any) -> Person:
    """Merge ``person_b`` into ``person_a`` (the older record) and return the survivor.

    Moves every parent–child link, marriage and life event of B to A (a link A already has is
    removed, its snapshot kept), fills A's empty fields from B, and marks B ``merged`` with
    ``merged_into`` = A. Everything needed to undo is stored in ``candidate.merge_log``.

    Raises:
        TransitionNotAllowed: the pair is not pending (or undone) review, or either record is already merged.
    """
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status not in (DuplicateStatus.PENDING, DuplicateStatus.UNDONE):
        raise TransitionNotAllowed("该疑似重复已处理")
    a, b = (Person.objects.select_for_update().get(pk=pk) for pk in (candidate.person_a_id, candidate.person_b_id))
    if PersonStatus.MERGED in (a.status, b.status):
        raise TransitionNotAllowed("其中一条记录已被合并")
    log: dict[str, Any] = {"a_before": {}, "b_before": {"status": b.status, "id_number": b.id_number},
                           "moved": {}, "removed_links": []}
    with audit.acting(actor):
        moved: dict[str, list[int]] = {}
        for link in ParentChild.objects.filter(Q(parent=b) | Q(child=b)):
            side = "parent" if link.parent_id == b.pk else "child"
            other = link.child_id if side == "parent" else link.parent_id
            clash = (ParentChild.objects.filter(parent=a, child_id=other) if side == "parent"
                     else ParentChild.objects.filter(parent_id=other, child=a))
            if clash.exists() or other == a.pk:
                log["removed_links"].append({"parent": link.parent_id, "child": link.child_id, "kind": link.kind,
                                             "since": link.since.isoformat() if link.since else None,
                                             "is_demo": link.is_demo})
                link.delete()
                continue
            setattr(link, side, a)
            link.save()
            moved.setdefault(f"parentchild_{side}", []).append(link.pk)
        for field in ("husband", "wife"):
            for marriage in Marriage.objects.filter(**{field: b}):
                setattr(marriage, field, a)
                marriage.save()
                moved.setdefault(f"marriage_{field}", []).append(marriage.pk)
        events = list(LifeEvent.objects.filter(person=b).values_list("pk", flat=True))
        LifeEvent.objects.filter(pk__in=events).update(person=a)
        moved["events"] = events
        log["moved"] = moved
        # B leaves the living first so that its ID number can pass to A under the uniqueness rule
        b.status = PersonStatus.MERGED
        b.merged_into = a
        b.save()
        changes = {f: getattr(b, f) for f in _FILL_FIELDS if not getattr(a, f) and getattr(b, f)}
        if changes:
            log["a_before"] = {f: getattr(a, f) for f in changes}
            for f, v in changes.items():
                setattr(a, f, v)
            a.save()
        candidate.status = DuplicateStatus.MERGED
        candidate.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        candidate.decided_at = clock.now()
        candidate.merge_log = log
        candidate.save()
    return a


@transaction.atomic
def duplicate_undo_merge(candidate: DuplicateCandidate, *, actor: Any) -> tuple[Person, Person]:
    """Undo a merge: give B back its links, marriages and events, restore A's fields and B's status.

    Raises:
        TransitionNotAllowed: the pair was not merged.
    """
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != DuplicateStatus.MERGED:
        raise TransitionNotAllowed("只有已合并的记录可以撤销合并")
    log = candidate.merge_log
    a = Person.objects.select_for_update().get(pk=candidate.person_a_id)
    b = Person.objects.select_for_update().get(pk=candidate.person_b_id)
    with audit.acting(actor):
        if log.get("a_before"):
            for f, v in log["a_before"].items():
                setattr(a, f, v)
            a.save()
        b.status = log["b_before"]["status"]
        b.id_number = log["b_before"]["id_number"]
        b.merged_into = None
        b.save()
        moved = log.get("moved", {})
        for side in ("parent", "child"):
            for link in ParentChild.objects.filter(pk__in=moved.get(f"parentchild_{side}", [])):
                setattr(link, side, b)
                link.save()
        for field in ("husband", "wife"):
            for marriage in Marriage.objects.filter(pk__in=moved.get(f"marriage_{field}", [])):
                setattr(marriage, field, b)
                marriage.save()
        LifeEvent.objects.filter(pk__in=moved.get("events", [])).update(person=b)
        for snap in log.get("removed_links", []):
            ParentChild.objects.get_or_create(
                parent_id=snap["parent"], child_id=snap["child"],
                defaults={"kind": snap["kind"], "is_demo": snap["is_demo"],
                          "since": dt.date.fromisoformat(snap["since"]) if snap["since"] else None})
        candidate.status = DuplicateStatus.UNDONE
        candidate.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        candidate.decided_at = clock.now()
        candidate.save()
    return a, b


@transaction.atomic
def duplicate_dismiss(candidate: DuplicateCandidate, *, actor: Any) -> DuplicateCandidate:
    """Record that the pair are two different people.

    Raises:
        TransitionNotAllowed: the pair is not pending (or undone) review.
    """
    if candidate.status not in (DuplicateStatus.PENDING, DuplicateStatus.UNDONE):
        raise TransitionNotAllowed("该疑似重复已处理")
    with audit.acting(actor):
        candidate.status = DuplicateStatus.DISMISSED
        candidate.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        candidate.decided_at = clock.now()
        candidate.save()
    return candidate
