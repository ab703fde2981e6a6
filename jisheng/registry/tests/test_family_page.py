"""The family page (issue 11): a household's members, marriages and children with their events in one place,
linked from the person page, scoped like it (404 out of scope) and audited as a view of personal data; other apps
add sections (a family's service timeline) through registry.hooks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jisheng.core.models import AuditEvent
from jisheng.registry import hooks, services
from jisheng.registry.models import Household
from jisheng.registry.tests.factories import make_person
from tests.conftest import login

M = dt.date


@pytest.fixture
def family(village_a, village_b):
    household = Household.objects.create(number="3205850001", area=village_a, address="南园新村 3 幢")
    husband = make_person(village_a, name="陆建华", birth_date=M(1975, 3, 8), household=household)
    wife = make_person(village_a, name="顾秀英", sex="F", birth_date=M(1978, 8, 25), household=household)
    grandmother = make_person(village_a, name="沈阿婆", sex="F", birth_date=M(1950, 2, 1), household=household)
    services.marriage_register(husband=husband, wife=wife, start_date=M(2000, 5, 1), actor=None)
    son = services.child_register(parent=wife, actor=None, name="陆小明", sex="M", birth_date=M(2003, 6, 1))
    services.parent_child_link(parent=grandmother, child=husband, actor=None)
    # a daughter from the wife's first marriage who lives in another town (outside a town officer's scope)
    away = make_person(village_b, name="周静", sex="F", birth_date=M(1998, 1, 9))
    services.parent_child_link(parent=wife, child=away, actor=None)
    services.disability_certificate_record(son, grade=2, date=M(2010, 3, 3), actor=None, category="肢体")
    return {"husband": husband, "wife": wife, "son": son, "grandmother": grandmother, "away": away,
            "household": household}


@pytest.fixture
def officer(make_user, town_a):
    return make_user("town_officer", town_a)


def test_the_family_page_shows_members_marriages_children_and_their_events(client, officer, family):
    login(client, officer)
    person_page = client.get(reverse("registry:person_detail", args=[family["wife"].pk])).content.decode()
    url = reverse("registry:family", args=[family["wife"].pk])
    assert url in person_page
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("陆建华", "顾秀英", "沈阿婆", "陆小明"):
        assert name in page
    assert "3205850001" in page and "南园新村 3 幢" in page
    assert "2000-05-01" in page  # the marriage
    assert "2010-03-03" in page and "肢体残疾 2 级" in page  # the son's event, on the family's timeline
    assert reverse("registry:person_detail", args=[family["son"].pk]) in page
    assert "家庭服务记录" in page  # room for the service timeline


def test_a_relative_outside_the_scope_is_masked_unlinked_and_their_events_stay_hidden(client, officer, family):
    services.disability_certificate_record(family["away"], grade=1, date=M(2019, 9, 9), actor=None)
    login(client, officer)
    page = client.get(reverse("registry:family", args=[family["wife"].pk])).content.decode()
    assert "周*" in page and "周静" not in page
    assert reverse("registry:person_detail", args=[family["away"].pk]) not in page
    assert "2019-09-09" not in page


def test_the_family_page_is_scoped_like_the_person_page_and_audited(client, officer, family, make_user, town_b):
    login(client, officer)
    assert client.get(reverse("registry:family", args=[family["away"].pk])).status_code == 404
    client.get(reverse("registry:family", args=[family["husband"].pk]))
    viewed = set(AuditEvent.objects.filter(action="view", object_type="registry.person",
                                           changes__what__startswith="家庭页面").values_list("object_id", flat=True))
    inside = {str(family[k].pk) for k in ("husband", "wife", "son", "grandmother")}
    assert viewed == inside


def test_other_apps_add_sections_to_the_family_page(client, officer, family, monkeypatch):
    def services_timeline(fam, user):
        return hooks.FamilySection(title="计生服务", entries=[
            hooks.FamilyEntry(date=M(2024, 4, 1), text=f"上门随访（{len(fam.members)} 人）")])

    monkeypatch.setattr(hooks, "_family_sections", {"services": services_timeline})
    login(client, officer)
    page = client.get(reverse("registry:family", args=[family["wife"].pk])).content.decode()
    assert "计生服务" in page and "上门随访（" in page and "2024-04-01" in page
