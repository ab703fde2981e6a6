import datetime as dt

import pytest

from jisheng.registry import selectors, services
from jisheng.registry.tests.factories import make_person

D = dt.date


@pytest.mark.django_db
def test_children_marriage_and_disability_as_of(village_a):
    father = make_person(village_a, name="王建国", sex="M", birth_date=D(1960, 1, 1))
    mother = make_person(village_a, name="李秀英", sex="F", birth_date=D(1962, 3, 4))
    child = make_person(village_a, name="王小明", sex="M", birth_date=D(1990, 6, 1))
    marriage = services.marriage_register(husband=father, wife=mother, start_date=D(1988, 10, 1), actor=None)
    for parent in (father, mother):
        services.parent_child_link(parent=parent, child=child, actor=None)

    assert selectors.children_of(mother, D(1990, 5, 31)) == []
    assert selectors.children_of(mother, D(1990, 6, 1)) == [child]
    assert selectors.current_marriage(father, D(1988, 9, 30)) is None
    assert selectors.current_marriage(father, D(1988, 10, 1)) == marriage
    assert selectors.is_only_child(child) is True

    services.disability_certificate_record(child, grade=2, date=D(2010, 1, 5), actor=None)
    assert selectors.disability_grade(child, D(2010, 1, 4)) is None
    assert selectors.disability_grade(child, D(2010, 1, 5)) == 2

    services.person_record_death(child, date=D(2012, 2, 2), actor=None)
    assert selectors.living_children_of(mother, D(2012, 2, 1)) == [child]
    assert selectors.living_children_of(mother, D(2012, 2, 2)) == []
    assert selectors.children_of(mother, D(2012, 2, 2)) == [child]

    services.person_record_death(father, date=D(2015, 1, 1), actor=None)
    marriage.refresh_from_db()
    assert (marriage.end_date, marriage.end_reason) == (D(2015, 1, 1), "death")
    assert selectors.current_marriage(mother, D(2015, 1, 1)) is None
    assert selectors.current_marriage(mother, D(2014, 12, 31)) == marriage
