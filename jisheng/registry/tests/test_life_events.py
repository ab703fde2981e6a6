"""Life-event pages on a person (登记事件): each action in scope, each refusal changing nothing, scope 404s."""

import datetime as dt

import pytest
from django.urls import reverse

from jisheng.core import clock
from jisheng.core.models import AuditEvent
from jisheng.registry import selectors
from jisheng.registry.models import DuplicateCandidate, LifeEvent, Marriage, ParentChild, Person
from jisheng.registry.tests.factories import make_person
from tests.conftest import login

D = dt.date
TODAY = D(2026, 11, 29)


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def client_a(client, make_user, town_a):
    officer = make_user("town_officer", town_a)
    login(client, officer)
    client.officer = officer
    return client


def url(name, person):
    return reverse(f"registry:{name}", args=[person.pk])


def snapshot():
    """Counts and person rows that no refused action may change."""
    return (Person.objects.count(), Marriage.objects.count(), ParentChild.objects.count(), LifeEvent.objects.count(),
            list(Person.objects.order_by("pk").values_list("status", "death_date", "residence_area_id",
                                                          "is_floating")),
            list(Marriage.objects.order_by("pk").values_list("end_date", "end_reason")))


def errors_of(response):
    return {k: [str(e) for e in v] for k, v in response.context["form"].errors.items()}


@pytest.fixture
def couple(village_a):
    husband = make_person(village_a, name="张伟", sex="M", birth_date=D(1980, 1, 1))
    wife = make_person(village_a, name="李娜", sex="F", birth_date=D(1982, 2, 2))
    return husband, wife


# --- death ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_death_sets_status_ends_marriage_and_shows_in_history(client_a, couple):
    husband, wife = couple
    client_a.post(url("event_marriage", husband), {"spouse_id_number": wife.id_number, "date": "2005-05-01"})
    assert client_a.get(url("event_death", husband)).status_code == 200
    response = client_a.post(url("event_death", husband), {"date": "2026-03-04", "cause": "病故"})
    assert response.status_code == 302 and response["Location"] == url("person_detail", husband)
    husband.refresh_from_db()
    assert (husband.status, husband.death_date) == ("dead", D(2026, 3, 4))
    m = Marriage.objects.get()
    assert (m.end_date, m.end_reason) == (D(2026, 3, 4), "death")
    event = LifeEvent.objects.get(person=husband, kind="death")
    assert (event.date, event.details) == (D(2026, 3, 4), {"cause": "病故"})
    assert not LifeEvent.objects.filter(kind="divorce").exists()
    change = AuditEvent.objects.filter(object_type="registry.person", object_id=str(husband.pk), action="update"
                                       ).latest("id")
    assert change.actor == client_a.officer and change.changes["diff"]["status"] == ["alive", "dead"]
    page = client_a.get(url("person_detail", husband)).content.decode()
    assert "2026-03-04" in page and "病故" in page and url("event_death", husband) not in page


@pytest.mark.django_db
@pytest.mark.parametrize(("date", "message"), [("2026-11-30", "死亡日期不能晚于今天"),
                                               ("1979-12-31", "日期不能早于出生日期")])
def test_death_refused_for_future_date_or_before_birth(client_a, couple, date, message):
    husband, _ = couple
    before = snapshot()
    response = client_a.post(url("event_death", husband), {"date": date})
    assert response.status_code == 200 and message in str(errors_of(response)), errors_of(response)
    assert snapshot() == before


@pytest.mark.django_db
def test_death_of_the_dead_is_refused_and_changes_nothing(client_a, couple):
    husband, _ = couple
    client_a.post(url("event_death", husband), {"date": "2026-01-01"})
    before = snapshot()
    response = client_a.post(url("event_death", husband), {"date": "2026-02-01"})
    assert response.status_code == 200 and "不能再登记事件" in str(errors_of(response))
    assert snapshot() == before


# --- marriage and divorce ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_marriage_by_exact_id_number_from_either_spouse(client_a, couple):
    husband, wife = couple
    response = client_a.post(url("event_marriage", wife), {"spouse_id_number": husband.id_number.lower(),
                                                           "date": "2006-06-06"})
    assert response.status_code == 302
    m = Marriage.objects.get()
    assert (m.husband, m.wife, m.start_date, m.end_date) == (husband, wife, D(2006, 6, 6), None)
    assert {(e.person_id, e.kind) for e in LifeEvent.objects.all()} == {(husband.pk, "marriage"),
                                                                       (wife.pk, "marriage")}
    page = client_a.get(url("person_detail", wife)).content.decode()
    assert url("event_divorce", wife) in page and url("event_marriage", wife) not in page


@pytest.mark.django_db
def test_marriage_refusals_change_nothing(client_a, couple, village_a, village_b):
    husband, wife = couple
    other_woman = make_person(village_a, name="王芳", sex="F", birth_date=D(1985, 3, 3))
    man2 = make_person(village_a, name="赵强", sex="M", birth_date=D(1984, 4, 4))
    elsewhere = make_person(village_b, name="孙丽", sex="F", birth_date=D(1983, 5, 5))
    client_a.post(url("event_marriage", husband), {"spouse_id_number": wife.id_number, "date": "2005-05-01"})
    before = snapshot()
    cases = [
        (husband, other_woman.id_number, "2020-01-01", "spouse_id_number", "仍有婚姻关系"),  # second marriage
        (man2, elsewhere.id_number, "2020-01-01", "spouse_id_number", "本辖区内没有"),  # other town: no leak
        (man2, "320585199001011234", "2020-01-01", "spouse_id_number", "本辖区内没有"),  # unknown number
        (man2, husband.id_number, "2020-01-01", "spouse_id_number", "一男一女"),
        (man2, other_woman.id_number, "2026-12-01", "date", "不能晚于今天"),
        (man2, other_woman.id_number, "1984-01-01", "date", "结婚日期不合理"),  # before the man's birth
    ]
    for person, number, date, field, message in cases:
        response = client_a.post(url("event_marriage", person), {"spouse_id_number": number, "date": date})
        assert response.status_code == 200
        errors = errors_of(response)
        assert message in " ".join(errors.get(field, [])), (number, errors)
        assert "孙丽" not in response.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
def test_divorce_ends_the_current_marriage_for_both(client_a, couple):
    husband, wife = couple
    client_a.post(url("event_marriage", husband), {"spouse_id_number": wife.id_number, "date": "2005-05-01"})
    response = client_a.post(url("event_divorce", wife), {"date": "2020-07-07"})
    assert response.status_code == 302
    m = Marriage.objects.get()
    assert (m.end_date, m.end_reason) == (D(2020, 7, 7), "divorce")
    assert sorted(LifeEvent.objects.filter(kind="divorce").values_list("person_id", flat=True)) == \
        sorted([husband.pk, wife.pk])
    assert selectors.current_marriage(husband) is None
    # remarriage after the divorce is allowed
    other = make_person(wife.residence_area, name="王芳", sex="F", birth_date=D(1985, 3, 3))
    assert client_a.post(url("event_marriage", husband), {"spouse_id_number": other.id_number,
                                                          "date": "2021-01-01"}).status_code == 302
    assert selectors.spouse_of(husband) == other


@pytest.mark.django_db
def test_divorce_refusals_change_nothing(client_a, couple):
    husband, wife = couple
    before = snapshot()
    response = client_a.post(url("event_divorce", husband), {"date": "2020-07-07"})
    assert "没有在册婚姻" in str(errors_of(response)) and snapshot() == before
    client_a.post(url("event_marriage", husband), {"spouse_id_number": wife.id_number, "date": "2005-05-01"})
    before = snapshot()
    response = client_a.post(url("event_divorce", husband), {"date": "2004-01-01"})  # before the wedding
    assert "终止日期不合理" in " ".join(errors_of(response)["date"])
    response = client_a.post(url("event_divorce", husband), {"date": "2027-01-01"})
    assert "不能晚于今天" in " ".join(errors_of(response)["date"])
    assert snapshot() == before


# --- children ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_link_child_by_kind(client_a, couple, village_a):
    husband, wife = couple
    child = make_person(village_a, name="张小", sex="M", birth_date=D(2010, 1, 1))
    step = make_person(village_a, name="刘小", sex="F", birth_date=D(2008, 1, 1))
    r = client_a.post(url("event_child_link", husband), {"child_id_number": child.id_number, "kind": "birth"})
    assert r.status_code == 302
    r = client_a.post(url("event_child_link", husband), {"child_id_number": step.id_number, "kind": "step",
                                                        "since": "2015-05-05"})
    assert r.status_code == 302
    links = {(x.child_id, x.kind, x.since) for x in ParentChild.objects.all()}
    assert links == {(child.pk, "birth", None), (step.pk, "step", D(2015, 5, 5))}
    assert list(LifeEvent.objects.values_list("person_id", "kind", "date", "details")) == [
        (husband.pk, "birth", D(2010, 1, 1), {"child_id": child.pk})]  # step-children add no event
    r = client_a.post(url("event_child_link", wife), {"child_id_number": child.id_number, "kind": "adoption",
                                                     "since": "2012-02-02"})
    assert r.status_code == 302
    assert LifeEvent.objects.get(person=wife).kind == "adoption"


@pytest.mark.django_db
def test_link_child_refusals_change_nothing(client_a, couple, village_a, village_b):
    husband, _ = couple
    child = make_person(village_a, name="张小", sex="M", birth_date=D(2010, 1, 1))
    older = make_person(village_a, name="老人", sex="M", birth_date=D(1950, 1, 1))
    elsewhere = make_person(village_b, name="外镇娃", sex="M", birth_date=D(2011, 1, 1))
    step = make_person(village_a, name="刘小", sex="F", birth_date=D(2010, 6, 1))
    client_a.post(url("event_child_link", husband), {"child_id_number": child.id_number, "kind": "birth"})
    before = snapshot()
    cases = [
        ({"child_id_number": child.id_number, "kind": "birth"}, "child_id_number", "已登记"),
        ({"child_id_number": older.id_number, "kind": "birth"}, "child_id_number", "父母的出生日期应早于子女"),
        ({"child_id_number": elsewhere.id_number, "kind": "birth"}, "child_id_number", "本辖区内没有"),
        ({"child_id_number": husband.id_number, "kind": "birth"}, "child_id_number", "自己的父母"),
        ({"child_id_number": child.id_number, "kind": "adoption"}, "since", "应填写关系成立日期"),
        ({"child_id_number": step.id_number, "kind": "step", "since": "2009-01-01"}, "since", "不能早于子女出生"),
    ]
    for data, field, message in cases:
        response = client_a.post(url("event_child_link", husband), data)
        assert response.status_code == 200
        assert message in " ".join(errors_of(response).get(field, [])), (data, errors_of(response))
        assert "外镇娃" not in response.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
def test_newborn_is_created_linked_to_both_parents_and_checked_for_duplicates(client_a, couple):
    husband, wife = couple
    client_a.post(url("event_marriage", husband), {"spouse_id_number": wife.id_number, "date": "2005-05-01"})
    r = client_a.post(url("event_newborn", wife), {"name": "张宝", "sex": "F", "birth_date": "2026-10-01",
                                                   "with_spouse": "on"})
    assert r.status_code == 302
    baby = Person.objects.get(name="张宝")
    assert (baby.sex, baby.birth_date, baby.id_number, baby.residence_area, baby.hukou_area, baby.status) == \
        ("F", D(2026, 10, 1), "", wife.residence_area, wife.hukou_area, "alive")
    assert sorted(ParentChild.objects.filter(child=baby).values_list("parent_id", "kind")) == \
        sorted([(husband.pk, "birth"), (wife.pk, "birth")])
    # the same baby entered again from the father's page (or the form sent twice): the same child, already
    # registered to both parents — nothing is added (issue 11: two children with four parent links)
    r = client_a.post(url("event_newborn", husband), {"name": "张宝", "sex": "F", "birth_date": "2026-10-01"})
    assert r.status_code == 200 and "已登记该子女（张宝，2026-10-01 出生）" in " ".join(errors_of(r)["name"])
    assert list(Person.objects.filter(name="张宝")) == [baby]
    assert ParentChild.objects.filter(child=baby).count() == 2 and not DuplicateCandidate.objects.exists()
    # a twin of another name is another child
    r = client_a.post(url("event_newborn", wife), {"name": "张贝", "sex": "F", "birth_date": "2026-10-01",
                                                   "with_spouse": "on"})
    assert r.status_code == 302 and Person.objects.filter(birth_date=D(2026, 10, 1)).count() == 2


@pytest.mark.django_db
def test_newborn_refusals_change_nothing(client_a, couple):
    husband, wife = couple
    before = snapshot()
    cases = [
        ({"name": "张宝", "sex": "F", "birth_date": "2026-12-01"}, "birth_date", "不能晚于今天"),
        ({"name": "张宝", "sex": "F", "birth_date": "1979-01-01"}, "birth_date", "父母的出生日期应早于子女"),
        ({"name": "张宝", "sex": "F", "birth_date": "2020-01-01", "id_number": wife.id_number}, "id_number",
         ""),  # the mother's number: refused (the birth date does not match, or the number is in use)
        ({"name": "=HYPERLINK()", "sex": "F", "birth_date": "2020-01-01"}, "name", "公式"),
    ]
    for data, field, message in cases:
        response = client_a.post(url("event_newborn", husband), data)
        assert response.status_code == 200
        assert field in errors_of(response) and message in " ".join(errors_of(response)[field]), data
    assert snapshot() == before


# --- disability, move, floating --------------------------------------------------------------------


@pytest.mark.django_db
def test_disability_certificate(client_a, couple):
    husband, _ = couple
    r = client_a.post(url("event_disability", husband), {"grade": "2", "category": "肢体", "date": "2025-01-01"})
    assert r.status_code == 302
    assert selectors.disability_grade(husband) == 2
    assert LifeEvent.objects.get().details == {"grade": 2, "category": "肢体", "number": ""}
    assert "肢体残疾 2 级" in client_a.get(url("person_detail", husband)).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "field", "message"), [
    ({"grade": "5", "date": "2025-01-01"}, "grade", "残疾等级应为 1–4 级"),
    ({"grade": "0", "date": "2025-01-01"}, "grade", "残疾等级应为 1–4 级"),
    ({"grade": "1", "date": "2026-11-30"}, "date", "不能晚于今天"),
    ({"grade": "1", "date": "1979-01-01"}, "date", "不能早于出生日期"),
])
def test_disability_refusals(client_a, couple, data, field, message):
    husband, _ = couple
    before = snapshot()
    response = client_a.post(url("event_disability", husband), data)
    assert message in " ".join(errors_of(response).get(field, [])), errors_of(response)
    assert snapshot() == before


@pytest.mark.django_db
def test_move_within_scope_then_out_then_back(client_a, couple, village_a, town_a):
    husband, _ = couple
    other_village = town_a.children.exclude(pk=village_a.pk).order_by("code").first()
    r = client_a.post(url("event_move", husband), {"direction": "in", "to_area": other_village.pk,
                                                   "date": "2024-01-01"})
    assert r.status_code == 302
    husband.refresh_from_db()
    assert (husband.residence_area, husband.town, husband.status) == (other_village, town_a, "alive")
    assert LifeEvent.objects.get(kind="move_in").details == {"from": village_a.name, "to": other_village.name}
    r = client_a.post(url("event_move", husband), {"direction": "out", "destination": "上海市", "date": "2025-01-01"})
    assert r.status_code == 302
    husband.refresh_from_db()
    assert (husband.status, husband.residence_area) == ("moved_out", other_village)
    assert LifeEvent.objects.get(kind="move_out").details == {"from": other_village.name, "to": "上海市"}
    page = client_a.get(url("person_detail", husband)).content.decode()
    assert "上海市" in page
    r = client_a.post(url("event_move", husband), {"direction": "in", "to_area": village_a.pk, "date": "2026-01-01"})
    assert r.status_code == 302
    husband.refresh_from_db()
    assert (husband.status, husband.residence_area) == ("alive", village_a)


@pytest.mark.django_db
def test_move_refusals_change_nothing(client_a, couple, village_a, village_b):
    husband, _ = couple
    before = snapshot()
    cases = [
        ({"direction": "in", "to_area": village_b.pk, "date": "2024-01-01"}, "to_area", "选择一个有效的选项"),
        ({"direction": "in", "to_area": village_a.pk, "date": "2024-01-01"}, "to_area", "与现居住地相同"),
        ({"direction": "in", "date": "2024-01-01"}, "to_area", "应选择新居住地"),
        ({"direction": "out", "date": "2027-01-01"}, "date", "不能晚于今天"),
        ({"direction": "out", "date": "1970-01-01"}, "date", "不能早于出生日期"),
    ]
    for data, field, message in cases:
        response = client_a.post(url("event_move", husband), data)
        assert response.status_code == 200
        assert message in " ".join(errors_of(response).get(field, [])), (data, errors_of(response))
    assert snapshot() == before
    client_a.post(url("event_move", husband), {"direction": "out", "date": "2025-01-01"})
    before = snapshot()
    response = client_a.post(url("event_move", husband), {"direction": "out", "date": "2025-02-01"})
    assert "已登记迁出" in str(errors_of(response)) and snapshot() == before


@pytest.mark.django_db
def test_floating_registration(client_a, village_a):
    person = make_person(village_a, name="外来工", sex="M", birth_date=D(1990, 1, 1), hukou_area=None,
                         hukou_place="安徽省阜阳市")
    r = client_a.post(url("event_floating", person), {"date": "2026-02-02"})
    assert r.status_code == 302
    person.refresh_from_db()
    assert person.is_floating is True
    assert LifeEvent.objects.get().details == {"from": "安徽省阜阳市"}
    before = snapshot()
    response = client_a.post(url("event_floating", person), {"date": "2026-03-03"})
    assert "已登记为流动人口" in str(errors_of(response)) and snapshot() == before


# --- scope ------------------------------------------------------------------------------------------


EVENT_ROUTES = ("event_death", "event_marriage", "event_divorce", "event_child_link", "event_newborn",
                "event_disability", "event_move", "event_floating")


@pytest.mark.django_db
@pytest.mark.parametrize("name", EVENT_ROUTES)
def test_out_of_scope_person_is_404_and_unchanged(client_a, village_b, name):
    other = make_person(village_b, name="外镇人", sex="M", birth_date=D(1980, 1, 1))
    before = snapshot()
    for method in ("get", "post"):
        response = getattr(client_a, method)(url(name, other), {"date": "2020-01-01"})
        assert response.status_code == 404 and "外镇人" not in response.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
def test_leader_without_change_cannot_record_events_and_page_hides_the_section(client, make_user, town_a, couple):
    husband, _ = couple
    login(client, make_user("leader", town_a))
    page = client.get(url("person_detail", husband))
    assert page.status_code == 200 and "登记事件" not in page.content.decode()
    assert client.post(url("event_death", husband), {"date": "2020-01-01"}).status_code == 403
    husband.refresh_from_db()
    assert husband.status == "alive"


@pytest.mark.django_db
def test_village_guide_records_in_own_village_only(client, make_user, village_a, town_a, couple):
    husband, wife = couple
    guide = make_user("village_guide", village_a)
    login(client, guide)
    assert "登记事件" in client.get(url("person_detail", husband)).content.decode()
    form = client.get(url("event_move", husband)).context["form"]
    assert list(form.fields["to_area"].queryset) == [village_a]
    assert client.post(url("event_marriage", husband), {"spouse_id_number": wife.id_number,
                                                        "date": "2005-05-01"}).status_code == 302
    assert AuditEvent.objects.filter(object_type="registry.marriage", action="create").get().actor == guide


@pytest.mark.django_db
def test_death_before_a_registered_marriage_or_move_is_refused(client_a, couple, village_a, town_a):
    husband, wife = couple
    client_a.post(url("event_marriage", husband), {"spouse_id_number": wife.id_number, "date": "2005-05-01"})
    before = snapshot()
    response = client_a.post(url("event_death", husband), {"date": "2004-01-01"})
    assert "死亡日期早于已登记的结婚（2005-05-01）" in " ".join(errors_of(response)["date"])
    assert snapshot() == before
    # a child born after the father's death is no obstacle
    child = make_person(village_a, name="遗腹子", sex="M", birth_date=D(2026, 6, 1))
    client_a.post(url("event_child_link", husband), {"child_id_number": child.id_number, "kind": "birth"})
    assert client_a.post(url("event_death", husband), {"date": "2026-02-01"}).status_code == 302


@pytest.mark.django_db
def test_marriage_dated_before_an_open_later_one_is_refused(client_a, couple, village_a):
    husband, wife = couple
    client_a.post(url("event_marriage", husband), {"spouse_id_number": wife.id_number, "date": "2010-05-01"})
    other = make_person(village_a, name="王芳", sex="F", birth_date=D(1985, 3, 3))
    before = snapshot()
    response = client_a.post(url("event_marriage", other), {"spouse_id_number": husband.id_number,
                                                           "date": "2005-01-01"})
    assert "仍有婚姻关系" in " ".join(errors_of(response)["spouse_id_number"])
    assert snapshot() == before


@pytest.mark.django_db
def test_marriage_with_a_dead_person_is_refused(client_a, couple):
    husband, wife = couple
    client_a.post(url("event_death", wife), {"date": "2020-01-01"})
    before = snapshot()
    response = client_a.post(url("event_marriage", husband), {"spouse_id_number": wife.id_number,
                                                             "date": "2021-01-01"})
    assert "已死亡" in " ".join(errors_of(response)["spouse_id_number"])
    assert snapshot() == before


@pytest.mark.django_db
def test_divorce_page_names_the_marriage_it_ends(client_a, couple):
    husband, wife = couple
    assert "没有在册婚姻" in client_a.get(url("event_divorce", husband)).content.decode()
    client_a.post(url("event_marriage", husband), {"spouse_id_number": wife.id_number, "date": "2005-05-01"})
    assert "将终止与 李娜 于 2005-05-01 登记的婚姻" in client_a.get(url("event_divorce", husband)).content.decode()
