"""The person picker of registration forms: search by name, pinyin, initials or ID number inside the user's scope,
namesakes told apart by masked ID, birth year, sex and village; choosing resolves only inside the scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from jisheng.accounts.roles import Role
from jisheng.core.models import AuditEvent
from jisheng.registry.tests.factories import make_person
from tests.conftest import login

URL = "/registry/persons/picker/"
FIELD = {"name": "reg-wife", "id": "id_reg-wife"}


def _search(client: Client, q: str) -> str:
    response = client.get(URL, {**FIELD, "reg-wife": q})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_name_pinyin_and_initials_find_the_person_in_scope_only(village_a: Any, village_b: Any, town_a: Any,
                                                                 make_user: Any, client: Any) -> None:
    here = make_person(village_a, name="王小红", sex="F", birth_date=dt.date(1986, 4, 2))
    namesake = make_person(village_a, name="王小红", sex="F", birth_date=dt.date(1991, 7, 9))
    there = make_person(village_b, name="王小红", sex="F", birth_date=dt.date(1979, 1, 3))
    make_person(village_a, name="王小明", sex="M")  # the same start, another name
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    for q in ("王小红", "wangxiaohong", "wangxiaoh", "wxh"):
        page = _search(client, q)
        assert page.count('class="picker-option ') == 2, q
        assert f"pick={here.pk}" in page and f"pick={namesake.pk}" in page and f"pick={there.pk}" not in page
    # namesakes told apart: sex, birth year, masked ID number, village — never the whole number
    assert "1986年生" in page and "1991年生" in page and "1979年生" not in page
    assert f"{here.id_number[:6]}********{here.id_number[-4:]}" in page and here.id_number not in page
    assert village_a.name in page and "女" in page and village_b.name not in page
    # a husband's picker (sex=M) lists men only
    men = client.get(URL, {**FIELD, "sex": "M", "reg-wife": "王"}).content.decode()
    assert "王小明" in men and "王小红" not in men


@pytest.mark.django_db
def test_nothing_found_and_out_of_scope_answer_alike_and_id_searches_are_audited(
        village_a: Any, village_b: Any, town_a: Any, make_user: Any, client: Any) -> None:
    here = make_person(village_a, name="周芳", sex="F", birth_date=dt.date(1988, 1, 7))
    there = make_person(village_b, name="孙丽", sex="F", birth_date=dt.date(1983, 5, 5))
    user = make_user(Role.TOWN_OFFICER, town_a)
    login(client, user)
    unknown = "320585199001011234"
    assert _search(client, there.id_number) == _search(client, unknown) == _search(client, "孙丽")
    assert "没有符合条件的在册人员" in _search(client, unknown)
    assert not AuditEvent.objects.filter(action="view", object_type="registry.person").exists()
    typed = here.id_number[:6] + " " + here.id_number[6:].lower()  # normalised like the registry's own search
    assert f"pick={here.pk}" in _search(client, typed)
    event = AuditEvent.objects.get(action="view", object_type="registry.person")
    assert event.object_id == str(here.pk) and event.actor == user and "公民身份号码" in event.changes["what"]
    # a name search is not an identifying lookup: not recorded
    _search(client, "周")
    assert AuditEvent.objects.filter(action="view", object_type="registry.person").count() == 1


@pytest.mark.django_db
def test_choosing_resolves_only_inside_the_scope(village_a: Any, village_b: Any, town_a: Any, make_user: Any,
                                                 client: Any) -> None:
    here = make_person(village_a, name="周芳", sex="F", birth_date=dt.date(1988, 1, 7))
    there = make_person(village_b, name="孙丽", sex="F", birth_date=dt.date(1983, 5, 5))
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    page = client.get(URL, {**FIELD, "pick": here.pk}).content.decode()
    assert f'<input type="hidden" name="reg-wife_person" value="{here.pk}">' in page
    assert "周芳" in page and "1988年生" in page and 'id="picker-id_reg-wife"' in page
    outside = client.get(URL, {**FIELD, "pick": there.pk})
    missing = client.get(URL, {**FIELD, "pick": there.pk + 1000})
    assert outside.status_code == missing.status_code == 404
    assert "孙丽" not in outside.content.decode()
    assert client.get(URL, {**FIELD, "pick": "x"}).status_code == 404
    # the reset answer is the empty search box; a malformed field name is refused
    page = client.get(URL, {**FIELD, "reset": "1", "required": "1"}).content.decode()
    assert 'name="reg-wife"' in page and " required" in page and "reg-wife_person" not in page
    refused = client.get(URL, {"name": '"><script>', "id": "x", "pick": here.pk})
    assert refused.status_code == 200 and refused.content == b""
