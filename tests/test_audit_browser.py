"""The audit browser shows the trail in words (issue 11): field names and values in Chinese, no raw dicts or
internal codes, times in China Standard Time, personal data masked; an auditor finds the events of one person by
name or ID number (the look-up itself audited) and exports what the filters select as .xlsx (audited)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from jisheng.accounts.roles import Role
from jisheng.core import audit
from jisheng.core.models import Area, AuditAction, AuditEvent
from jisheng.registry import services
from jisheng.registry.tests.factories import make_person

from .conftest import login

URL = "/audit/"


def _auditor(make_user: Any, area: Area) -> Client:
    return login(Client(), make_user(Role.AUDITOR, area))


def _text(html: str) -> str:
    """The page's text between the tags (what the auditor reads)."""
    import re

    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.django_db
def test_changes_read_in_words_with_chinese_labels_values_and_beijing_time(county: Area, village_a: Area,
                                                                         make_user: Any) -> None:
    """Regression: the browser printed the recorded dicts as Python reprs — English field keys and values
    (``{'diff': {'status': ['alive', 'dead']}}``), True/False, area ids and UTC times (``+00:00``)."""
    officer = make_user(Role.TOWN_OFFICER, village_a.parent)
    with audit.context(actor=officer, ip="10.0.0.5"):
        person = make_person(village_a, name="王小红", sex="F", birth_date=dt.date(1990, 1, 1), is_floating=True)
        services.person_record_death(person, date=dt.date(2026, 1, 2), actor=officer)
    audit.record(AuditAction.UPDATE, object_type="registry.duplicatecandidate", object_id=1, area_id=county.pk,
                 changes={"diff": {"decided_at": [None, "2026-11-16T01:00:00+00:00"], "status": ["pending", "merged"]}})
    with audit.context(actor=officer):
        audit.record_export(object_type="registry.personexport", object_id=1, count=2, fmt="xlsx",
                            filters={"q": "王", "status": "alive", "area": village_a.parent.code, "masked": True})
    page = _auditor(make_user, county).get(URL).content.decode()
    text = _text(page)
    filters = next(line.text for r in _auditor(make_user, county).get(URL).context["rows"] for line in r.lines
                   if line.label == "筛选条件")  # an export's filters (in the order the database keeps them)
    assert set(filters.split("；")) == {"查找内容：王", "状态：在册", f"地区：{village_a.parent.name}", "脱敏：是"}
    for raw in ("{'", "&#x27;diff", "alive", "'dead'", "True", "False", "status", "birth_date", "residence_area",
                "+00:00", "T01:00", "registry.person", "pending"):
        assert raw not in text, raw
    assert "王小红" not in page and "王**" in page
    # labels and values in words: the field's name, the choice's label, yes/no, the area's name, the time in CST
    assert "状态" in text and "在册" in text and "死亡" in text and "流动人口" in text and "是" in text
    assert "现居住地" in text and village_a.name in text
    assert "2026-11-16 09:00:00" in text and "已合并" in text and "处理时间" in text
    assert "人员" in text and "北京时间" in text


@pytest.mark.django_db
def test_an_auditor_finds_a_persons_events_by_name_and_the_look_up_is_audited(county: Area, village_a: Area,
                                                                              make_user: Any) -> None:
    """Regression: auditors could not search the trail by a person's name."""
    officer = make_user(Role.TOWN_OFFICER, village_a.parent)
    with audit.context(actor=officer):
        mine = make_person(village_a, name="王小红", sex="F", birth_date=dt.date(1990, 1, 1))
        other = make_person(village_a, name="李四", sex="M", birth_date=dt.date(1980, 1, 1))
        audit.record_view(mine, what="人员详情")
        audit.record_view(other, what="人员详情")
    auditor = make_user(Role.AUDITOR, county)
    client = login(Client(), auditor)
    before = AuditEvent.objects.count()
    response = client.get(URL, {"person": "王小红"})
    assert response.status_code == 200
    rows = response.context["rows"]
    # her record's events, and searches made for her name (the auditor's own included) — nobody else's
    assert {r.event.object_id for r in rows if r.event.object_id} == {str(mine.pk)}
    assert all(r.event.changes.get("query") == "王小红" for r in rows if not r.event.object_id)
    # the auditor's look-up is itself in the trail, by the auditor
    looked_up = AuditEvent.objects.filter(id__gt=before, actor=auditor)
    assert looked_up.exists()
    # the name searched for is shown masked like every name (the input box holds what the auditor typed)
    shown = [line.text for r in client.get(URL, {"person": "王小红"}).context["rows"] for line in r.lines]
    assert "王**" in shown and "王小红" not in shown
    by_number = client.get(URL, {"person": other.id_number}).context["rows"]
    assert {r.event.object_id for r in by_number} == {str(other.pk)}
    assert list(client.get(URL, {"person": "没有这个人"}).context["rows"]) == []


@pytest.mark.django_db
def test_the_filtered_trail_exports_as_xlsx_in_words_and_the_export_is_audited(county: Area, village_a: Area,
                                                                               make_user: Any) -> None:
    officer = make_user(Role.TOWN_OFFICER, village_a.parent)
    with audit.context(actor=officer):
        person = make_person(village_a, name="王小红", sex="F", birth_date=dt.date(1990, 1, 1), phone="13800138000")
    auditor = make_user(Role.AUDITOR, county)
    client = login(Client(), auditor)
    response = client.get(URL, {"action": "create", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value or "") for row in ws.iter_rows() for c in row]
    flat = "\n".join(cells)
    assert "时间（北京时间）" in flat and "王**" in flat and "138****8000" in flat
    for raw in ("王小红", "13800138000", person.id_number, "{'", "alive"):
        assert raw not in flat, raw
    event = AuditEvent.objects.filter(action="export", object_type="core.auditevent").get()
    assert event.actor == auditor and event.changes["format"] == "xlsx" and event.area_id == county.pk
    assert event.changes["filters"]["action"] == "create"
    # an export by person keeps the name in the trail, and the browser shows it masked
    client.get(URL, {"person": "王小红", "format": "xlsx"})
    shown = [line.text for r in client.get(URL, {"action": "export"}).context["rows"] for line in r.lines]
    assert any("人员：王**" in text for text in shown) and not any("王小红" in text for text in shown)
