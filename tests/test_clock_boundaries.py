"""The suite's date-sensitive parts pass on 1 and 31 December of the last year the working-day calendar covers.

Every test runs on the suite's frozen clock (tests/fixtures.py, ``SUITE_TODAY``); ``JISHENG_TEST_CLOCK`` moves it.
In December the next year is usually missing from the calendar, so a test that starts a statutory clock "today"
instead of on its own dates, or a deadline that runs into January, shows up here — the failure that used to
appear only on the real 1 December. The sub-runs use SQLite in memory, whatever the outer run uses, so they
never touch the outer run's test database.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jisheng.law.calendar import chinesecalendar_years

ROOT = Path(__file__).resolve().parent.parent
#: The parts whose outcome depends on "today": case clocks and decisions, licensing procedures, the law
#: (deadlines, calendar, parameters in force), benefits (months, rolls, verification due dates).
DATE_SENSITIVE = ["jisheng/cases", "jisheng/licensing", "jisheng/law", "jisheng/benefits"]


def december_days() -> list[dt.date]:
    last = max(chinesecalendar_years())
    return [dt.date(last, 12, 1), dt.date(last, 12, 31)]


@pytest.mark.slow
@pytest.mark.parametrize("day", december_days(), ids=str)
def test_the_date_sensitive_parts_pass_in_december_of_the_last_covered_year(day: dt.date) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"JISHENG_TEST_CLOCK": day.isoformat(), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not browser",  # noqa: S603
                             *DATE_SENSITIVE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
                            check=False)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:]
    assert result.returncode == 0, f"on {day}: {summary}\n{result.stdout[-6000:]}"
    assert " passed" in summary and "failed" not in summary, summary


def test_the_suite_clock_is_frozen_and_can_be_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    from jisheng.core import clock
    from tests.fixtures import SUITE_TODAY, suite_today

    assert clock.today() == suite_today()
    monkeypatch.delenv("JISHENG_TEST_CLOCK", raising=False)
    assert suite_today() == SUITE_TODAY
    monkeypatch.setenv("JISHENG_TEST_CLOCK", "2026-12-31")
    assert suite_today() == dt.date(2026, 12, 31)
