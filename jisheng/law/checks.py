"""System checks of the law app (ids ``law.E…`` / ``law.W…``).

- ``law.E001``: a parameter file under ``jisheng/law/data/parameters/`` does not load (message names file
  and line) — the application refuses to start.
- ``law.E002``: an instrument file does not load; ``law.E003``: a parameter cites an unknown provision;
- ``law.E004``: code or data of an app cites an unknown provision (``citations.register_cited_keys``);
- ``law.E005``: the calendar corrections file (``data/calendar/corrections.yaml``) does not load;
- ``law.W001``: from 1 December, next year is missing from the working-day calendar;
- ``law.W002``: the current year is missing (every deadline computation fails).

The hint of W001/W002 says how a missing year is really entered: the State Council notice on the calendar page
or with ``jisheng calendar import-notice`` (contract §1a), or a chinesecalendar release and ``jisheng bootstrap``.
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
                                hint=_how_to_enter(today.year), id="law.W002"))
    if today.month == 12 and today.year + 1 not in years:
        messages.append(Warning(f"工作日历缺少{today.year + 1}年的节假日安排，跨入该年的期限无法计算。",
                                hint=_how_to_enter(today.year + 1), id="law.W001"))
    return messages


def _how_to_enter(year: int) -> str:
    """The two ways to fill a missing year, as they really work (contract §1a, docs/adr/0047)."""
    from django.urls import NoReverseMatch, reverse

    try:
        page = reverse("law:calendar_notice")
    except NoReverseMatch:  # a URL configuration without the law pages
        page = "/law/calendar/notice/"
    return (f"按国务院办公厅《关于{year}年部分节假日安排的通知》录入：系统管理员在“法律法规 › 工作日历 › "
            f"录入国务院办公厅节假日通知”页面（{page}）上传或粘贴 YAML，预览后保存；或在服务器上运行 "
            f"jisheng calendar import-notice FILE.yaml（格式见 docs/contracts.md §1a）。"
            f"等待该年的期限随即得到届满日。"
            f"chinesecalendar 发布含{year}年的新版本后，也可升级并运行 jisheng bootstrap。")


@register("law")
def check_calendar_corrections(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """law.E005: the calendar corrections shipped with the reference data load (message names file and line)."""
    from jisheng.core.errors import InvalidInput

    from .calendar import corrections

    try:
        corrections()
    except InvalidInput as exc:
        return [Error(str(exc), id="law.E005", hint="Fix jisheng/law/data/calendar/corrections.yaml.")]
    return []


@register("law")
def check_provisions(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """law.E002: an instrument file does not load; law.E003: a parameter cites an unknown provision."""
    from jisheng.core.errors import InvalidInput

    from .parameters import parameter_errors

    try:
        from .provisions import load_instruments, provision_exists

        load_instruments()
    except InvalidInput as exc:
        return [Error(str(exc), id="law.E002", hint="Fix the instrument file under jisheng/law/data/instruments/.")]
    if parameter_errors():
        return []  # reported by law.E001
    from .parameters import load_parameters

    messages: list[CheckMessage] = []
    for parameter in load_parameters().values():
        for value in parameter.values:
            if not provision_exists(value.provision):
                messages.append(Error(f"{value.location}: 参数 {parameter.key} 引用了不存在的条款 {value.provision}",
                                      id="law.E003", hint="Add the provision to jisheng/law/data/instruments/."))
    return messages


@register("law")
def check_cited_keys(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """law.E004: every provision key an app's code or data cites (clock bases, rule provisions, programme bases,
    engine constants) exists in the catalogue — registered with ``citations.register_cited_keys``."""
    from jisheng.core.errors import InvalidInput

    from .citations import unknown_cited_keys

    try:
        unknown = unknown_cited_keys()
    except InvalidInput:
        return []  # the catalogue does not load: reported by law.E002
    return [Error(f"{app}: {where} 引用了不存在的条款 {key}", id="law.E004",
                  hint="Fix the key, or add the provision to jisheng/law/data/instruments/.")
            for app, key, where in unknown]
