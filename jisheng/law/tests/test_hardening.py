"""Regressions found in review: bad input must give a clear error (never a 500), and removing a local
change of a statutory day must bring the statutory day back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from jisheng.accounts.roles import Role
from jisheng.law import services
from jisheng.law.calendar import CalendarYearMissing, is_working_day
from jisheng.law.deadlines import compute_due, due_date
from jisheng.law.models import CalendarDay

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("months", [100_000, 99_999_999])
def test_a_huge_month_period_names_the_missing_year_instead_of_crashing(months: int) -> None:
    with pytest.raises(CalendarYearMissing) as err:
        compute_due(D(2026, 1, 1), months, "months")
    assert "2027" in str(err.value)
    with pytest.raises(CalendarYearMissing):
        due_date(D(2026, 1, 1), 5, "months", extension=months)


def test_a_huge_month_period_gives_400_from_the_api_and_exit_2_from_the_cli() -> None:
    response = Client().get("/api/v1/law/deadline", {"start": "2026-01-01", "days": 99_999_999, "unit": "months"})
    assert response.status_code == 400 and "2027" in response.json()["detail"]
    with pytest.raises(CommandError) as err:
        call_command("deadline", "--start", "2026-01-01", "--days", "99999999", "--unit", "months")
    assert err.value.returncode == 2 and "2027" in str(err.value)


def test_one_month_from_31_january_2026_ends_on_the_make_up_saturday() -> None:
    """民法典 Art. 202: no 31 February → 28 February; 2026-02-28 is a make-up working Saturday (春节)."""
    result = compute_due(D(2026, 1, 31), 1, "months")
    assert result.due == D(2026, 2, 28)
    assert "该日是调休上班日（春节），为工作日，不顺延。" in result.explanation  # else a Saturday looks wrong
    assert not any("调休上班日" in step for step in compute_due(D(2025, 1, 31), 1, "months").explanation)
    assert compute_due(D(2025, 1, 31), 1, "months").due == D(2025, 2, 28)  # a Friday
    assert compute_due(D(2024, 1, 31), 1, "months").due == D(2024, 2, 29)  # leap year, a Thursday


@pytest.mark.parametrize(("year", "status"), [(2026, 200), (10000, 404), (99999, 404), (0, 404)])
def test_calendar_page_for_an_impossible_year_is_404_not_500(staff_client: Any, town_a: Any, year: int,
                                                             status: int) -> None:
    client = staff_client(Role.TOWN_OFFICER, town_a)
    assert client.get(reverse("law:calendar_year", args=[year])).status_code == status


def test_removing_a_local_change_of_a_statutory_holiday_restores_the_holiday(admin_user: object) -> None:
    services.calendar_import()
    assert is_working_day(D(2026, 10, 1)) is False
    services.calendar_day_set(date=D(2026, 10, 1), kind="workday", name="地方调整", actor=admin_user)
    assert is_working_day(D(2026, 10, 1)) is True
    services.calendar_day_remove(date=D(2026, 10, 1), actor=admin_user)
    day = CalendarDay.objects.get(date=D(2026, 10, 1))
    assert (day.kind, day.name, day.local) == ("holiday", "国庆节", False)
    assert day.source.startswith("chinesecalendar")
    assert is_working_day(D(2026, 10, 1)) is False
    # A purely local day is still deleted outright.
    services.calendar_day_set(date=D(2026, 6, 10), kind="holiday", name="地方假日", actor=admin_user)
    services.calendar_day_remove(date=D(2026, 6, 10), actor=admin_user)
    assert not CalendarDay.objects.filter(date=D(2026, 6, 10)).exists()


def test_a_parameter_file_not_in_utf8_names_file_and_line(tmp_path: Any) -> None:
    """Regression: a file saved as GBK crashed ``jisheng check`` with a UnicodeDecodeError traceback."""
    from jisheng.core.errors import InvalidInput
    from jisheng.law.parameters import load_parameter_file

    path = tmp_path / "test.key.yaml"
    path.write_bytes("description: 期限\nunit: working_days\nvalues:\n  2013-01-01:\n    note: 苏州\n".encode("gbk"))
    with pytest.raises(InvalidInput) as err:
        load_parameter_file(path)
    assert err.value.location == f"{path}:1"
    assert "UTF-8" in str(err.value)


def test_parameter_list_leads_with_the_chinese_description(staff_client: Any, town_a: Any) -> None:
    """A town officer reads 再生育申请的期限, not birth_approval.decision, as the link to a parameter."""
    client = staff_client(Role.TOWN_OFFICER, town_a)
    page = client.get(reverse("law:parameter_list"), {"on": "2026-11-29"}).content.decode()
    link = reverse("law:parameter_detail", args=["birth_approval.decision"])
    assert f'<a href="{link}">市（区）人口计生部门审核再生育申请的期限（苏州）</a>' in page
    assert '<small class="mono muted">birth_approval.decision</small>' in page


def test_cli_on_a_database_that_was_never_migrated_exits_2_with_a_message(monkeypatch: Any) -> None:
    """Regression: ``jisheng deadline`` against a database without the law tables printed a traceback."""
    from django.db import OperationalError

    from jisheng.law import deadlines

    def unmigrated() -> Any:
        raise OperationalError("no such table: law_calendaryear")

    monkeypatch.setattr(deadlines, "get_index", unmigrated)
    with pytest.raises(CommandError) as err:
        call_command("deadline", "--start", "2026-01-05", "--days", "5")
    assert err.value.returncode == 2 and "jisheng migrate" in str(err.value)


def test_provision_list_offers_the_instruments_before_the_long_table(staff_client: Any, town_a: Any) -> None:
    """The list of instruments used to sit below all 124 provisions, some 11,000 px down the page."""
    client = staff_client(Role.TOWN_OFFICER, town_a)
    page = client.get(reverse("law:provision_list")).content.decode()
    link = reverse("law:instrument_detail", args=["js-pfp-reg"])
    assert "法律文件（" in page and page.index(f'href="{link}"') < page.index('<table class="compact">')
    searched = client.get(reverse("law:provision_list"), {"q": "一次告知"}).content.decode()
    assert "法律文件（" not in searched  # a search shows its results first
