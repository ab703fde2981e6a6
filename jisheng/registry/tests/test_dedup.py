"""Duplicate detection on creation, review, merge and undo."""

import datetime as dt

import pytest

from jisheng.core.errors import TransitionNotAllowed
from jisheng.registry import dedup, selectors, services
from jisheng.registry.models import DuplicateCandidate, LifeEvent, ParentChild, Person
from jisheng.registry.tests.factories import make_person

D = dt.date


def _relations(person):
    person.refresh_from_db()
    return {
        "status": person.status, "id_number": person.id_number, "phone": person.phone,
        "parents": sorted(ParentChild.objects.filter(child=person).values_list("parent_id", "kind")),
        "children": sorted(ParentChild.objects.filter(parent=person).values_list("child_id", "kind")),
        "marriages": sorted(m.pk for m in selectors.marriages_of(person)),
        "events": sorted(LifeEvent.objects.filter(person=person).values_list("pk", flat=True)),
    }


@pytest.mark.django_db
def test_same_name_birth_and_town_is_queued_then_merged_and_undone(village_a, town_a):
    # record A: entered with an ID number, married, with a child and a mother
    mother = make_person(village_a, name="沈阿婆", sex="F", birth_date=D(1940, 2, 2))
    a = make_person(village_a, name="陆建华", sex="M", birth_date=D(1965, 3, 8))
    services.parent_child_link(parent=mother, child=a, actor=None)
    wife = make_person(village_a, name="顾秀英", sex="F", birth_date=D(1967, 1, 9))
    services.marriage_register(husband=a, wife=wife, start_date=D(1990, 5, 1), actor=None)
    # record B: the same man from an old paper roster, without ID, with his own child link and a phone
    b = make_person(village_a, name="陆建华", sex="M", birth_date=D(1965, 3, 8), with_id=False, phone="13912345678")
    son = make_person(village_a, name="陆明", sex="M", birth_date=D(1992, 7, 7))
    services.parent_child_link(parent=b, child=son, actor=None)
    services.parent_child_link(parent=mother, child=b, actor=None)  # also his mother: a clashing link
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.person_a, candidate.person_b, candidate.reason, candidate.source, candidate.status) == \
        (a, b, "name_birth_area", "form", "pending")
    before_a, before_b = _relations(a), _relations(b)

    survivor = dedup.duplicate_merge(candidate, actor=None)
    assert survivor == a
    merged_a, merged_b = _relations(a), _relations(b)
    assert merged_b["status"] == "merged" and merged_b["children"] == [] and merged_b["parents"] == []
    assert merged_a["children"] == [(son.pk, "birth")]
    assert merged_a["parents"] == [(mother.pk, "birth")]
    assert merged_a["phone"] == "13912345678"
    assert set(merged_a["events"]) == set(before_a["events"]) | set(before_b["events"])
    assert selectors.children_of(mother) == [a]
    with pytest.raises(TransitionNotAllowed):
        dedup.duplicate_merge(candidate, actor=None)

    dedup.duplicate_undo_merge(candidate, actor=None)
    assert _relations(a) == before_a
    assert _relations(b) == before_b
    candidate.refresh_from_db()
    assert candidate.status == "undone"
    assert selectors.children_of(mother) == [a, b]
    with pytest.raises(TransitionNotAllowed):
        dedup.duplicate_undo_merge(candidate, actor=None)


@pytest.mark.django_db
def test_same_id_number_on_a_dead_record_and_a_new_one_is_queued(village_a):
    old = make_person(village_a, name="王小明", sex="M", birth_date=D(1980, 1, 1))
    Person.objects.filter(pk=old.pk).update(status="moved_out")
    new = make_person(village_a, name="王晓明", sex="M", birth_date=D(1980, 1, 1), id_number=old.id_number)
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.person_a, candidate.person_b, candidate.reason) == (old, new, "id_number")
    # merging passes no ID conflict: the survivor keeps its own number
    dedup.duplicate_merge(candidate, actor=None)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status, new.merged_into) == ("moved_out", "merged", old)
    dedup.duplicate_undo_merge(candidate, actor=None)
    new.refresh_from_db()
    assert (new.status, new.merged_into, new.id_number) == ("alive", None, old.id_number)


@pytest.mark.django_db
def test_a_living_id_number_cannot_be_registered_twice_and_dismiss_closes_review(village_a):
    from jisheng.core.errors import InvalidInput

    p = make_person(village_a, name="王小明", birth_date=D(1980, 1, 1))
    with pytest.raises(InvalidInput, match="该公民身份号码不能在此登记"):  # no scope: names no record
        make_person(village_a, name="王小明", birth_date=D(1980, 1, 1), id_number=p.id_number)
    twin = make_person(village_a, name="王小明", birth_date=D(1980, 1, 1))
    candidate = DuplicateCandidate.objects.get()
    dedup.duplicate_dismiss(candidate, actor=None)
    assert candidate.status == "dismissed"
    with pytest.raises(TransitionNotAllowed):
        dedup.duplicate_merge(candidate, actor=None)
    assert Person.objects.get(pk=twin.pk).status == "alive"
