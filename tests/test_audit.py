"""The audit trail records every change of a domain record and is append-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse

from jisheng.accounts.roles import Role
from jisheng.core import audit
from jisheng.core.errors import AppendOnlyViolation
from jisheng.core.models import Area, AreaLevel, AuditAction, AuditEvent

from .conftest import login


def _events(obj: Area) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="core.area", object_id=str(obj.pk)).order_by("id"))


@pytest.mark.django_db
def test_create_update_delete_are_recorded_with_actor_address_and_before_after(town_a: Area, make_user: Any) -> None:
    officer = make_user(Role.CITY_ADMIN, town_a)
    with audit.context(actor=officer, ip="10.1.2.3"):
        village = Area.objects.create(code="320585100998", name="测试村", kind="村", level=AreaLevel.VILLAGE,
                                      parent=town_a)
        village.name = "改名村"
        village.save()
        village.save()  # nothing changed: no event
        pk = village.pk
        village.delete()
    created, updated, deleted = AuditEvent.objects.filter(object_type="core.area", object_id=str(pk)).order_by("id")
    assert created.action == AuditAction.CREATE and created.changes["after"]["name"] == "测试村"
    assert updated.action == AuditAction.UPDATE and updated.changes == {"diff": {"name": ["测试村", "改名村"]}}
    assert deleted.action == AuditAction.DELETE and deleted.changes["before"]["code"] == "320585100998"
    for event in (created, updated, deleted):
        assert event.actor == officer and event.actor_label == officer.username and event.ip == "10.1.2.3"
        assert event.area_id == pk


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted_through_the_application(town_a: Area) -> None:
    event = audit.record(AuditAction.VIEW, object_type="core.area", object_id=town_a.pk)
    event.reason = "tampered"
    with pytest.raises(AppendOnlyViolation):
        event.save()
    with pytest.raises(AppendOnlyViolation):
        event.delete()
    with pytest.raises(AppendOnlyViolation):
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(AppendOnlyViolation):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.django_db
def test_the_database_refuses_raw_updates_of_the_audit_trail(town_a: Area) -> None:
    event = audit.record(AuditAction.VIEW, object_type="core.area", object_id=town_a.pk)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])


@pytest.mark.django_db
def test_requests_record_the_signed_in_user_and_client_address(town_a: Area, make_user: Any) -> None:
    user = make_user(Role.TOWN_OFFICER, town_a)
    client = Client(REMOTE_ADDR="192.0.2.7")
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).latest("id")
    assert failed.object_label == user.username and failed.ip == "192.0.2.7" and "wrong" not in str(failed.changes)
    login(client, user)
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=user).exists()


@pytest.mark.django_db
def test_auditors_browse_with_filters_and_see_only_their_scope(county: Area, town_a: Area, town_b: Area,
                                                             make_user: Any) -> None:
    audit.record(AuditAction.EXPORT, object_type="registry.person", object_label="导出A", area_id=town_a.pk)
    audit.record(AuditAction.EXPORT, object_type="registry.person", object_label="导出B", area_id=town_b.pk)
    audit.record(AuditAction.VIEW, object_type="registry.person", object_label="查看A", area_id=town_a.pk)
    town_auditor = login(Client(), make_user(Role.AUDITOR, town_a))
    page = town_auditor.get(reverse("core:audit_list"), {"action": "export"}).content.decode()
    assert "导出A" in page and "导出B" not in page and "查看A" not in page
    county_auditor = login(Client(), make_user(Role.AUDITOR, county))
    page = county_auditor.get(reverse("core:audit_list"), {"action": "export"}).content.decode()
    assert "导出A" in page and "导出B" in page
    officer = login(Client(), make_user(Role.TOWN_OFFICER, town_a))
    assert officer.get(reverse("core:audit_list")).status_code == 403


@pytest.mark.django_db
def test_the_municipal_auditor_sees_sign_ins_and_area_less_events(county: Area, town_a: Area, town_b: Area,
                                                                  make_user: Any) -> None:
    """Regression: the auditor scoped at 太仓市 (a county-level city) saw no sign-ins and no calendar changes,
    because area-less events were shown only to accounts at CITY level (苏州市) or above."""
    assert county.level == AreaLevel.COUNTY
    officer = make_user(Role.TOWN_OFFICER, town_b)
    Client().force_login(officer)
    Client().post(reverse("accounts:login"), {"username": "nobody-at-all", "password": "x"})
    audit.record(AuditAction.UPDATE, object_type="law.calendarday", object_label="2026-06-10 地方假日")
    county_auditor = login(Client(), make_user(Role.AUDITOR, county))
    page = county_auditor.get(reverse("core:audit_list")).content.decode()
    assert officer.username in page and "nobody-at-all" in page and "2026-06-10 地方假日" in page
    # A town-scoped auditor sees the sign-ins of their own town only, and nothing area-less.
    town_auditor = login(Client(), make_user(Role.AUDITOR, town_a))
    page = town_auditor.get(reverse("core:audit_list")).content.decode()
    assert officer.username not in page and "nobody-at-all" not in page and "地方假日" not in page
    own = make_user(Role.TOWN_OFFICER, town_a)
    Client().force_login(own)
    assert own.username in town_auditor.get(reverse("core:audit_list"), {"action": "login"}).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"date_from": "2026-02-30"}, {"action": "nonsense"}, {"date_to": "tomorrow"}])
def test_a_filter_that_cannot_be_applied_shows_its_error_and_no_events(county: Area, make_user: Any,
                                                                       query: dict[str, str]) -> None:
    """Regression: an impossible date silently dropped the filter and listed the whole trail."""
    audit.record(AuditAction.EXPORT, object_type="registry.person", object_label="导出全部", area_id=county.pk)
    client = login(Client(), make_user(Role.AUDITOR, county))
    assert "导出全部" in client.get(reverse("core:audit_list")).content.decode()
    page = client.get(reverse("core:audit_list"), query).content.decode()
    assert "筛选条件有误" in page and "导出全部" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("before", ["99999999999999999999999", "9223372036854775808", "-5", "abc"])
def test_an_out_of_range_page_cursor_is_ignored(county: Area, make_user: Any, before: str) -> None:
    """A hand-edited page cursor (beyond PostgreSQL's bigint, negative, not a number) is no error page."""
    audit.record(AuditAction.EXPORT, object_type="registry.person", object_label="导出全部", area_id=county.pk)
    client = login(Client(), make_user(Role.AUDITOR, county))
    response = client.get(reverse("core:audit_list"), {"before": before})
    assert response.status_code == 200 and "导出全部" in response.content.decode()


@pytest.mark.django_db
def test_the_audit_browser_masks_personal_data_that_the_trail_holds(county: Area, make_user: Any) -> None:
    audit.record(AuditAction.UPDATE, object_type="registry.person", object_id=1, object_label="王** #1",
                 changes={"diff": {"id_number": ["320585199001011234", "32058519900101123X"],
                                   "phone": [None, "13800138000"], "bank_account": ["", "6222021234567890123"],
                                   "name": ["王小明", "王晓明"], "notes": ["电话 13912345678"]}},
                 reason="核对身份证 320585199001011234")
    audit.record(AuditAction.UPDATE, object_type="core.area", object_id=2,
                 changes={"diff": {"name": ["城厢镇", "新城镇"]}})
    page = login(Client(), make_user(Role.AUDITOR, county)).get(reverse("core:audit_list")).content.decode()
    for secret in ("320585199001011234", "13800138000", "6222021234567890123", "王小明", "王晓明", "13912345678"):
        assert secret not in page, secret
    assert "320585********1234" in page and "138****8000" in page and "王**" in page
    assert "城厢镇" in page and "新城镇" in page  # area names are not personal
    stored = AuditEvent.objects.filter(object_type="registry.person").latest("id")
    assert stored.changes["diff"]["id_number"][0] == "320585199001011234"  # the trail itself is unchanged


@pytest.mark.django_db
def test_a_town_auditor_sees_the_exports_made_in_their_town(county: Area, town_a: Area, town_b: Area,
                                                            make_user: Any) -> None:
    """Regression (issue 11): export events carried no area, so only municipal accounts saw them and a town's
    auditor saw none of the town's exports. An export is now filed under the exporting account's area."""
    officer = make_user(Role.TOWN_OFFICER, town_a)
    officer_b = make_user(Role.TOWN_OFFICER, town_b)
    with audit.context(actor=officer):
        audit.record_export(object_type="cases.case", count=3, fmt="xlsx", filters={}, reason="")
    exported = login(Client(), officer).get(reverse("cases:export"))
    assert exported.status_code == 200
    with audit.context(actor=officer_b):
        audit.record_export(object_type="cases.case", count=4, fmt="xlsx", filters={})
    events = list(AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("id"))
    assert [e.area_id for e in events] == [town_a.pk, town_a.pk, town_b.pk]
    town_auditor = login(Client(), make_user(Role.AUDITOR, town_a))
    listed = town_auditor.get(reverse("core:audit_list"), {"action": "export"}).context["rows"]
    assert len(listed) == 2


@pytest.mark.django_db
def test_the_audit_browser_masks_the_account_holder_name_of_an_enrolment(county: Area, make_user: Any) -> None:
    """Regression (issue 11): an enrolment's ``account_name`` (the bank account holder, a person's name) was shown
    in full to auditors."""
    audit.record(AuditAction.CREATE, object_type="benefits.enrolment", object_id=7, area_id=county.pk,
                 changes={"after": {"account_name": "王小明", "bank_account": "6222021234567890123"}})
    audit.record(AuditAction.UPDATE, object_type="benefits.enrolment", object_id=7, area_id=county.pk,
                 changes={"diff": {"account_name": ["王小明", "欧阳娜娜"]}})
    page = login(Client(), make_user(Role.AUDITOR, county)).get(reverse("core:audit_list")).content.decode()
    for secret in ("王小明", "欧阳娜娜", "6222021234567890123"):
        assert secret not in page, secret
    assert "王**" in page and "欧阳**" in page
