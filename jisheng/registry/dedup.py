"""Duplicate detection and review: flag suspected pairs, merge them, undo a merge.

Suspected duplicates (legal identity is the citizen ID number, 居民身份证法 Art. 3):
- the same ID number on two non-merged records (e.g. a dead or moved-out record and a new living one);
- the same name and birth date in the same town (records without an ID number, typos in the ID).
"""

from __future__ import annotations

from django.db.models import Count, Min, Q

from .models import DuplicateCandidate, DuplicateReason, Person, PersonStatus


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
