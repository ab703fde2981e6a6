"""Law test fixtures: a fresh calendar index around every test (tests may change the calendar)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jisheng.law import calendar


@pytest.fixture(autouse=True)
def _fresh_calendar_index() -> Iterator[None]:
    calendar.invalidate()
    yield
    calendar.invalidate()
