"""Names as the registry holds them (issue 11): a middle dot in minority names and surnames read differently
as surnames, in the search keys, the searches, and the keys of people registered before."""

from __future__ import annotations

import datetime as dt

import pytest

from jisheng.core import reference
from jisheng.registry import selectors
from jisheng.registry.models import Person
from jisheng.registry.pinyin import pinyin_keys
from jisheng.registry.tests.factories import make_person


def test_a_middle_dot_is_no_part_of_the_pinyin_keys():
    assert pinyin_keys("阿依古丽·买买提") == ("ayigulimaimaiti", "ayglmmt")
    for dot in ("•", "・", " ", "．", "‧"):
        assert pinyin_keys(f"阿依古丽{dot}买买提") == ("ayigulimaimaiti", "ayglmmt"), dot


@pytest.mark.parametrize(("name", "keys"), [
    ("句小明", ("gouxiaoming", "gxm")), ("召小明", ("shaoxiaoming", "sxm")), ("折小明", ("shexiaoming", "sxm")),
    ("黑小明", ("hexiaoming", "hxm")), ("繁小明", ("poxiaoming", "pxm")), ("重小明", ("chongxiaoming", "cxm")),
    ("单雄信", ("shanxiongxin", "sxx")), ("尉迟恭", ("yuchigong", "ycg")),
])
def test_surnames_are_read_with_their_surname_reading(name, keys):
    assert pinyin_keys(name) == keys


def test_a_surname_character_later_in_the_name_keeps_its_common_reading():
    assert pinyin_keys("王重阳")[0] == "wangchongyang"
    assert pinyin_keys("张黑")[0] == "zhanghei"


@pytest.fixture
def officer(make_user, town_a):
    return make_user("town_officer", town_a)


def _found(user, q):
    return [p.name for p in selectors.search_persons(user, q=q).items]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["阿依古丽·买买提", "阿依古丽•买买提", "阿依古丽・买买提", "阿依古丽 买买提",
                                   "阿依古丽买买提", "阿依古丽买", "阿依古丽", "ayigulimaimaiti", "ayiguli", "ayglmmt",
                                   "aygl"])
def test_a_dotted_name_is_found_however_the_dot_is_typed(officer, village_a, typed):
    make_person(village_a, name="阿依古丽·买买提", sex="F")
    make_person(village_a, name="阿依古丽", sex="F", birth_date=dt.date(1990, 1, 1))
    assert "阿依古丽·买买提" in _found(officer, typed)


@pytest.mark.django_db
def test_a_name_stored_with_another_dot_is_found_with_the_standard_one(officer, village_a):
    make_person(village_a, name="迪丽热巴•迪力木拉提", sex="F")
    assert _found(officer, "迪丽热巴·迪力") == ["迪丽热巴•迪力木拉提"]
    assert _found(officer, "dilireba") == ["迪丽热巴•迪力木拉提"]


@pytest.mark.django_db
def test_a_surname_reading_finds_the_person(officer, village_a):
    make_person(village_a, name="句小明")
    make_person(village_a, name="繁星", sex="F")
    assert _found(officer, "gouxiaoming") == ["句小明"]
    assert _found(officer, "gxm") == ["句小明"]
    assert _found(officer, "poxing") == ["繁星"]


@pytest.mark.django_db
def test_bootstrap_reindexes_the_keys_of_people_registered_before(village_a):
    dotted = make_person(village_a, name="阿依古丽·买买提", sex="F")
    surname = make_person(village_a, name="召小明")
    plain = make_person(village_a, name="王小明")
    # as the earlier code indexed them
    Person.objects.filter(pk=dotted.pk).update(name_pinyin="ayiguli·maimaiti", name_initials="aygl·mmt", name_plain="")
    Person.objects.filter(pk=surname.pk).update(name_pinyin="zhaoxiaoming", name_initials="zxm")
    untouched = Person.objects.get(pk=plain.pk).updated_at
    step = next(s for s in reference.loaders() if s.name == "registry-name-keys")  # run by jisheng bootstrap
    assert step.func(None).startswith("2 ")
    assert Person.objects.filter(pk=dotted.pk).values_list("name_pinyin", "name_initials", "name_plain").get() == (
        "ayigulimaimaiti", "ayglmmt", "阿依古丽买买提")
    assert Person.objects.get(pk=surname.pk).name_pinyin == "shaoxiaoming"
    assert Person.objects.get(pk=plain.pk).updated_at == untouched
    assert step.func(None).startswith("0 ")  # idempotent
