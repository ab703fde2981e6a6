"""System checks of the law app (ids ``law.E…`` / ``law.W…``).

- ``law.E001``: a parameter file under ``jisheng/law/data/parameters/`` does not load (message names file
  and line) — the application refuses to start.
- ``law.W001``: from 1 December, next year is missing from the working-day calendar;
- ``law.W002``: the current year is missing (every deadline computation fails).
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Warning, register


@register("law")
def check_parameters(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """law.E001: every parameter file loads."""
    from .parameters import parameter_errors

    return [Error(str(exc), id="law.E001", hint="Fix the parameter file (see docs/adr/0011).")
            for exc in parameter_errors()]


@register("law")
def check_next_year_calendar(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """law.W001: from 1 December, next year's holidays are not in the calendar; law.W002: this year's aren't."""
    from django.db import DatabaseError

    from jisheng.core import clock

    from .calendar import chinesecalendar_years, covered_years

    today = clock.today()
    try:
        years = set(covered_years())
    except DatabaseError:  # tables not migrated yet: judge by the installed package
        years = set(chinesecalendar_years())
    messages: list[CheckMessage] = []
    if today.year not in years:
        messages.append(Warning(f"工作日历缺少{today.year}年（今年）的节假日安排，所有期限计算都会失败。",
                                hint="升级 chinesecalendar 后运行 jisheng bootstrap，或由管理员录入。", id="law.W002"))
    if today.month == 12 and today.year + 1 not in years:
        messages.append(Warning(f"工作日历缺少{today.year + 1}年的节假日安排。",
                                hint="国务院办公厅公布后：升级 chinesecalendar 并运行 jisheng bootstrap，或由管理员录入。",  # noqa: E501
                                id="law.W001"))
    return messages
