"""The person page shows relatives outside the user's scope as the family page does: masked, unlinked, birth year only
(it showed their full names and linked to pages that answer 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from jisheng.accounts.roles import Role
from jisheng.registry import services
from jisheng.registry.tests.factories import make_person
from tests.conftest import login


@pytest.mark.django_db
def test_a_relative_outside_the_scope_is_masked_and_unlinked(village_a: Any, village_b: Any, town_a: Any,
                                                            make_user: Any) -> None:
    wife = make_person(village_a, name="王小红", sex="F", birth_date=dt.date(1986, 4, 2))
    husband = make_person(village_b, name="李建国", sex="M", birth_date=dt.date(1984, 9, 10))
    mother = make_person(village_b, name="赵淑芬", sex="F", birth_date=dt.date(1960, 1, 5))
    services.marriage_register(husband=husband, wife=wife, start_date=dt.date(2010, 5, 1), actor=None)
    services.parent_child_link(parent=mother, child=wife, actor=None)
    page = login(Client(), make_user(Role.TOWN_OFFICER, town_a)).get(f"/registry/persons/{wife.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "李建国" not in body and "赵淑芬" not in body
    assert "李**" in body and "赵**" in body and "不在本辖区" in body
    assert f"/registry/persons/{husband.pk}/" not in body and f"/registry/persons/{mother.pk}/" not in body
