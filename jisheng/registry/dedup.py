"""Duplicate detection and review: flag suspected pairs, merge them, undo a merge.

Suspected duplicates (legal identity is the citizen ID number, 居民身份证法 Art. 3):
- the same ID number on two non-merged records (e.g. a dead or moved-out record and a new living one);
- the same name and birth date in the same town (records without an ID number, typos in the ID).
"""

from __future__ import annotations

from django.db.models import Q

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
