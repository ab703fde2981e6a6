"""Deadline engine (contract §1): pinned days, boundaries, suspensions, extensions, missing years."""

from __future__ import annotations

import datetime as dt

import pytest

from jisheng.core.errors import InvalidInput
from jisheng.law.calendar import CalendarYearMissing, is_working_day
from jisheng.law.deadlines import add_months, compute_due, due_date

D = dt.date
pytestmark = pytest.mark.django_db


def test_2026_make_up_workdays_are_working_days() -> None:
    assert is_working_day(D(2026, 9, 20)) is True  # Sunday, 调休上班
    assert is_working_day(D(2026, 10, 10)) is True  # Saturday, 调休上班


@pytest.mark.parametrize("day", range(1, 8))
def test_2026_national_day_week_is_not_working(day: int) -> None:
    assert is_working_day(D(2026, 10, day)) is False


def test_2026_ordinary_days() -> None:
    assert is_working_day(D(2026, 10, 8)) is True  # Thursday after the holiday
    assert is_working_day(D(2026, 10, 11)) is False  # Sunday
    assert is_working_day(D(2026, 9, 19)) is False  # Saturday without make-up work


def test_contract_example_twenty_working_days() -> None:
    result = compute_due(D(2026, 9, 28), 20, "working")
    # 9-29, 9-30 (2), 10-8, 10-9, 10-10 (调休) (5), 10-12…16 (10), 19…23 (15), 26…30 (20)
    assert result.due == D(2026, 10, 30)
    text = "\n".join(result.explanation)
    assert "起算日：2026-09-28（星期一），当日不计入期间。" in text
    assert "第1个工作日：2026-09-29（星期二）。" in text
    assert "跳过法定节假日 国庆节：2026-10-01 至 2026-10-07（7 天）。" in text
    assert "计入调休工作日：2026-10-10（星期六）。" in text
    assert result.explanation[-1] == "届满日：2026-10-30（星期五）。"


def test_start_day_is_not_counted_and_day_one_is_next_working_day() -> None:
    assert compute_due(D(2026, 9, 30), 1, "working").due == D(2026, 10, 8)
    assert compute_due(D(2026, 10, 9), 1, "working").due == D(2026, 10, 10)  # Saturday make-up workday


def test_suspension_adds_the_working_days_it_covers() -> None:
    base = compute_due(D(2026, 9, 28), 20, "working").due
    suspended = compute_due(D(2026, 9, 28), 20, "working", suspensions=[(D(2026, 10, 12), D(2026, 10, 14))])
    assert base == D(2026, 10, 30)
    assert suspended.due == D(2026, 11, 4)  # 3 working days later
    assert any("中止期间 2026-10-12 至 2026-10-14" in s for s in suspended.explanation)


def test_suspension_outside_the_period_changes_nothing() -> None:
    assert compute_due(D(2026, 9, 28), 20, "working",
                       suspensions=[(D(2026, 12, 1), D(2026, 12, 5))]).due == D(2026, 10, 30)
    # a suspension over a holiday covers no working days
    assert compute_due(D(2026, 9, 28), 20, "working",
                       suspensions=[(D(2026, 10, 1), D(2026, 10, 7))]).due == D(2026, 10, 30)


def test_suspension_reaching_into_the_extended_period_counts_fully() -> None:
    # 18 working days up to 10-28; suspended 10-29, 10-30, 11-02, 11-03 (the pushed period lands in the
    # suspension again); the 19th and 20th counted working days are 11-04 and 11-05.
    result = compute_due(D(2026, 9, 28), 20, "working", suspensions=[(D(2026, 10, 29), D(2026, 11, 3))])
    assert result.due == D(2026, 11, 5)


def test_extension_once() -> None:
    result = compute_due(D(2026, 9, 28), 20, "working", extension=10)
    assert result.due == D(2026, 11, 13)
    assert "期间：20个工作日，延长10个工作日（只延长一次），合计30个工作日。" in result.explanation


def test_calendar_days_ending_on_holiday_move_to_next_working_day() -> None:
    result = compute_due(D(2026, 9, 1), 30, "calendar")
    assert result.due == D(2026, 10, 8)
    assert "期间最后一日：2026-10-01（星期四）。" in result.explanation
    assert compute_due(D(2026, 9, 1), 29, "calendar").due == D(2026, 9, 30)


def test_calendar_days_ending_on_make_up_workday_stay() -> None:
    assert compute_due(D(2026, 9, 10), 30, "calendar").due == D(2026, 10, 10)


def test_months_clamp_to_month_end_and_roll_to_working_day() -> None:
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)
    assert compute_due(D(2026, 1, 31), 1, "months").due == D(2026, 2, 28)  # Saturday 调休上班
    assert compute_due(D(2026, 4, 1), 6, "months").due == D(2026, 10, 8)  # 10-01 holiday


def test_due_date_fast_path_agrees() -> None:
    args = (D(2026, 9, 28), 20, "working")
    assert due_date(*args, suspensions=[(D(2026, 10, 12), D(2026, 10, 14))], extension=10) == \
        compute_due(*args, suspensions=[(D(2026, 10, 12), D(2026, 10, 14))], extension=10).due


def test_missing_year_is_named_never_guessed() -> None:
    with pytest.raises(CalendarYearMissing) as err:
        compute_due(D(2027, 12, 20), 20, "working")
    assert err.value.year == 2027
    assert "2027" in str(err.value)
    assert isinstance(err.value, InvalidInput)


def test_period_running_into_missing_year() -> None:
    assert compute_due(D(2026, 12, 1), 20, "working").due == D(2026, 12, 29)
    with pytest.raises(CalendarYearMissing) as err:
        compute_due(D(2026, 12, 20), 20, "working")
    assert err.value.year == 2027
    with pytest.raises(CalendarYearMissing):
        compute_due(D(2026, 12, 20), 15, "calendar")
    with pytest.raises(CalendarYearMissing):
        compute_due(D(2003, 12, 31), 1, "working")


@pytest.mark.parametrize(("amount", "unit", "extension"), [(0, "working", 0), (5, "weeks", 0), (5, "working", -1)])
def test_bad_arguments(amount: int, unit: str, extension: int) -> None:
    with pytest.raises(InvalidInput):
        compute_due(D(2026, 1, 5), amount, unit, extension=extension)


def test_suspension_end_before_start_is_rejected() -> None:
    with pytest.raises(InvalidInput):
        compute_due(D(2026, 1, 5), 5, "working", suspensions=[(D(2026, 1, 9), D(2026, 1, 8))])
