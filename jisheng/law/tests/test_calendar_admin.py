"""Local holidays, recomputation of open deadlines, the missing-year check, CLI and API of contract §1."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from jisheng.accounts.roles import Role
from jisheng.core import clock
from jisheng.core.errors import AppendOnlyViolation, InvalidInput
from jisheng.law import calendar, services
from jisheng.law.calendar import CalendarYearMissing, is_working_day
from jisheng.law.checks import check_next_year_calendar
from jisheng.law.deadlines import compute_due
from jisheng.law.models import CalendarDay, CalendarYear, DeadlineRecomputation

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def open_deadline() -> Iterator[dict[str, object]]:
    """A stand-in for another app's open deadline, recomputed through the registered hook."""
    state: dict[str, object] = {"start": D(2026, 6, 1), "due": compute_due(D(2026, 6, 1), 20, "working").due}

    def recompute(*, first: dt.date, last: dt.date) -> list[services.Recomputed]:
        old = state["due"]
        assert isinstance(old, dt.date)
        new = compute_due(D(2026, 6, 1), 20, "working").due
        state["due"] = new
        return [services.Recomputed("test.case:1/decision", old, new)]

    services.register_recomputer("test", recompute)
    yield state
    services._recomputers.pop("test", None)


def test_bootstrap_import_records_source_and_is_idempotent() -> None:
    from jisheng.core.models import AuditEvent

    first = services.calendar_import()
    events = AuditEvent.objects.count()
    second = services.calendar_import()
    # the package's 771 days and the shipped 2005-12-31 correction (国办发明电〔2005〕35号)
    assert "新增 772 天" in first and "新增 0 天，更新 0 天" in second
    assert AuditEvent.objects.count() == events  # the second run writes nothing, not even the years again
    assert CalendarYear.objects.count() == 23
    day = CalendarDay.objects.get(date=D(2026, 10, 10))
    assert (day.kind, day.name, day.source, day.local) == ("workday", "国庆节", "chinesecalendar 1.11.0", False)


def test_local_holiday_moves_open_deadline_and_is_recorded(admin_user: object, open_deadline: dict) -> None:
    assert open_deadline["due"] == D(2026, 6, 30)  # 端午节 2026-06-19 skipped
    moved = services.calendar_day_set(date=D(2026, 6, 10), kind="holiday", name="地方假日", actor=admin_user,
                                      reason="市政府通知放假一天")
    assert is_working_day(D(2026, 6, 10)) is False
    assert open_deadline["due"] == D(2026, 7, 1)
    [row] = moved
    assert (row.subject, row.old_due, row.new_due, row.reason) == ("test.case:1/decision", D(2026, 6, 30),
                                                                    D(2026, 7, 1), "市政府通知放假一天")
    assert CalendarDay.objects.get(date=D(2026, 6, 10)).local is True
    services.calendar_day_remove(date=D(2026, 6, 10), actor=admin_user)
    assert is_working_day(D(2026, 6, 10)) is True
    assert open_deadline["due"] == D(2026, 6, 30)
    assert list(DeadlineRecomputation.objects.order_by("id").values_list("old_due", "new_due")) == [
        (D(2026, 6, 30), D(2026, 7, 1)), (D(2026, 7, 1), D(2026, 6, 30))]
    assert "删除 2026-06-10" in DeadlineRecomputation.objects.order_by("id").last().reason  # type: ignore[union-attr]


def test_recomputation_history_is_append_only(admin_user: object, open_deadline: dict) -> None:
    [row] = services.calendar_day_set(date=D(2026, 6, 10), kind="holiday", name="地方假日", actor=admin_user)
    with pytest.raises(AppendOnlyViolation):
        row.save()
    with pytest.raises(AppendOnlyViolation):
        row.delete()
    with pytest.raises(AppendOnlyViolation):
        DeadlineRecomputation.objects.all().delete()


def test_statutory_days_cannot_be_removed_and_uncovered_years_cannot_be_edited(admin_user: object) -> None:
    services.calendar_import()
    with pytest.raises(InvalidInput):
        services.calendar_day_remove(date=D(2026, 10, 1), actor=admin_user)
    with pytest.raises(CalendarYearMissing):
        services.calendar_day_set(date=D(2027, 1, 1), kind="holiday", name="元旦", actor=admin_user)
    assert not CalendarDay.objects.filter(date=D(2027, 1, 1)).exists()


def test_reimport_keeps_local_days(admin_user: object) -> None:
    services.calendar_day_set(date=D(2026, 10, 10), kind="holiday", name="地方调整", actor=admin_user)
    services.calendar_import()
    day = CalendarDay.objects.get(date=D(2026, 10, 10))
    assert (day.kind, day.local) == ("holiday", True)


@pytest.mark.parametrize(("today", "warned"), [(D(2026, 11, 30), []), (D(2026, 12, 1), ["law.W001"]),
                                               (D(2025, 12, 1), []), (D(2027, 1, 4), ["law.W002"])])
def test_missing_next_year_warning_from_1_december(today: dt.date, warned: list[str]) -> None:
    with clock.frozen(today):
        messages = check_next_year_calendar(None)
    assert [m.id for m in messages] == warned
    if warned == ["law.W001"]:
        assert "2027" in messages[0].msg


def test_cli_missing_year_exits_2_naming_the_year() -> None:
    with pytest.raises(CommandError) as err:
        call_command("deadline", "--start", "2027-12-20", "--days", "20", "--unit", "working")
    assert err.value.returncode == 2
    assert "2027" in str(err.value)


def test_cli_json_output() -> None:
    out = StringIO()
    call_command("deadline", "--start", "2026-09-28", "--days", "20", "--unit", "working",
                 "--suspend", "2026-10-12:2026-10-14", "--extend", "10", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["due"] == "2026-11-18"
    assert data["explanation"][0] == "起算日：2026-09-28（星期一），当日不计入期间。"


def test_cli_bad_date_exits_2() -> None:
    with pytest.raises(CommandError) as err:
        call_command("deadline", "--start", "2026-02-30", "--days", "5")
    assert err.value.returncode == 2


def test_api_deadline() -> None:
    url = reverse("api:law_deadline")
    response = Client().get(url, {"start": "2026-09-28", "days": 20, "unit": "working",
                                  "suspend": "2026-10-12:2026-10-14", "extend": 10})
    assert response.status_code == 200
    assert response.json()["due"] == "2026-11-18"
    missing = Client().get(url, {"start": "2027-12-20", "days": 20, "unit": "working"})
    assert missing.status_code == 400 and "2027" in missing.json()["detail"]
    bad = Client().get(url, {"start": "2026-09-28", "days": 20, "unit": "weeks"})
    assert bad.status_code == 400
    assert Client().get(url).json()["due"] is None


def test_staff_pages(staff_client, town_a) -> None:  # type: ignore[no-untyped-def]
    client = staff_client(Role.TOWN_OFFICER, town_a)
    page = client.get(reverse("law:provision_list"), {"q": "一次告知"}).content.decode()
    assert "admin-licensing-law-2019/art-32/para-1/item-4" in page
    detail = client.get(reverse("law:provision_detail", args=["admin-licensing-law-2019/art-42/para-1"]))
    text = detail.content.decode()
    assert "licensing.decision" in text and "licensing.decision_extension" in text  # parameters citing it
    unverified = client.get(reverse("law:provision_detail", args=["js-pfp-reg-2002/art-22/item-6"])).content.decode()
    assert "未核实" in unverified
    assert client.get(reverse("law:provision_detail", args=["no-such/art-1"])).status_code == 404
    params = client.get(reverse("law:parameter_list"), {"on": "2013-06-01"}).content.decode()
    assert "special_assistance.local_standard.deceased" in params and "未核实" in params
    calc = client.get(reverse("law:deadline"), {"start": "2026-09-28", "days": 20, "unit": "working", "extend": 0})
    assert "2026-10-30" in calc.content.decode()
    assert client.get(reverse("law:calendar_year", args=[2027])).status_code == 200
    assert client.post(reverse("law:calendar_day_edit"), {"date": "2026-06-10", "kind": "holiday",
                                                          "name": "x"}).status_code == 403


def test_admin_adds_local_holiday_through_the_page(staff_client, county) -> None:  # type: ignore[no-untyped-def]
    client = staff_client(Role.CITY_ADMIN, county)
    response = client.post(reverse("law:calendar_day_edit"), {"date": "2026-06-10", "kind": "holiday",
                                                               "name": "地方假日", "reason": "测试"})
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=D(2026, 6, 10)).local is True
    assert calendar.is_working_day(D(2026, 6, 10)) is False
