"""The person page's change history and the separate access log: a page whose cost does not grow with its views."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jisheng.core.models import AuditEvent
from jisheng.registry import services
from jisheng.registry.selectors import HISTORY_PAGE_SIZE
from jisheng.registry.tests.factories import make_person
from tests.conftest import login

#: One row of the access log's table (its first cell is the time).
_ACCESS_ROW = re.compile(r'<tr><td class="mono">\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}</td>')
_NEXT = re.compile(r'href="\?(before|history)=([0-9-]+)(#history)?"')


def _detail(pk: int) -> str:
    return reverse("registry:person_detail", args=[pk])


def _log(pk: int) -> str:
    return reverse("registry:person_access_log", args=[pk])


def _next(page: str) -> str | None:
    found = _NEXT.search(page)
    return found.group(2) if found else None


@pytest.fixture
def officer(make_user: Any, town_a: Any) -> Any:
    return make_user("town_officer", town_a)


@pytest.fixture
def auditor(make_user: Any, county: Any) -> Any:
    return make_user("auditor", county)


@pytest.mark.slow
@pytest.mark.django_db
def test_300_views_cost_the_same_queries_keep_the_changes_and_fill_the_access_log_20_a_page(
        client: Any, officer: Any, auditor: Any, village_a: Any) -> None:
    person = make_person(village_a, name="王小明", phone="13800138000")
    services.person_update(person, actor=officer, phone="13900139000")
    services.person_update(person, actor=officer, ethnicity="回族")
    login(client, officer)
    client.get(_detail(person.pk))  # warm the caches (content types, translations) before counting

    def view() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_detail(person.pk))
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    first, _ = view()
    for _ in range(298):
        client.get(_detail(person.pk))
    last, page = view()
    assert last == first  # view 300 costs what view 1 cost: no view event is read back into the page
    assert AuditEvent.objects.filter(object_id=str(person.pk), action="view").count() == 301
    # the real changes are still on the page, masked, and no view event is among them
    assert "联系电话" in page and "138****8000" in page and "139****9000" in page and "回族" in page
    assert "新增" in page and "查看敏感信息" not in page and "13900139000" not in page
    assert _next(page) is None  # three changes: one page
    # the views are in the access log, 20 a page, newest first, through the "older" links (read by an auditor)
    client.logout()
    login(client, auditor)
    seen, cursor, pages = 0, None, 0
    while True:
        response = client.get(_log(person.pk), {"before": cursor} if cursor else {})
        assert response.status_code == 200
        log = response.content.decode()
        rows = len(_ACCESS_ROW.findall(log))
        cursor = _next(log)
        pages += 1
        assert rows == HISTORY_PAGE_SIZE or (cursor is None and 0 < rows <= HISTORY_PAGE_SIZE)
        assert "13900139000" not in log and "修改" not in log.split("<tbody>")[1]
        seen += rows
        if cursor is None:
            break
    # the 301 views of the person page and the first page's own view (recorded before it shows; the views of the
    # older pages come after their cursors), each once; and every page read recorded as a view
    assert seen == 301 + 1 and pages == -(-seen // HISTORY_PAGE_SIZE)
    assert AuditEvent.objects.filter(object_id=str(person.pk), action="view").count() == 301 + pages


@pytest.mark.django_db
def test_history_pages_20_changes_a_page_without_views_and_labels_each_field(
        client: Any, officer: Any, village_a: Any) -> None:
    person = make_person(village_a, name="王小明", phone="13800130000")
    for n in range(1, 25):  # 24 changes + the creation = 25 events
        services.person_update(person, actor=officer, phone=f"1390000{n:04d}")
    login(client, officer)
    page = client.get(_detail(person.pk)).content.decode()
    history = page.split('id="history"')[1]
    assert history.count("<td>联系电话</td>") == 20  # the newest 20, labelled
    assert "139****0024" in history and "139****0005" in history and "139****0003" not in history  # updates 24…5
    cursor = _next(page)
    assert cursor
    older = client.get(_detail(person.pk), {"history": cursor}).content.decode().split('id="history"')[1]
    assert "139****0003" in older and "138****0000" in older and "139****0005" not in older and "新增" in older
    assert older.count("<td>联系电话</td>") == 4 + 1 and _next(older) is None  # 4 updates + the creation's phone
    assert "最新的变更" in older  # a way back to the newest page


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["abc", "-1", "1-0", "99999999999999999999-1", "1-99999999999999999999",
                                    "253402300800000000-1", "１２-３", "1-2-3", ""])
def test_a_hand_edited_cursor_gives_the_first_page(client: Any, officer: Any, auditor: Any, village_a: Any,
                                                   cursor: str) -> None:
    person = make_person(village_a, name="王小明", phone="13800138000")
    login(client, officer)
    detail = client.get(_detail(person.pk), {"history": cursor})
    client.logout()
    login(client, auditor)
    log = client.get(_log(person.pk), {"before": cursor})
    assert detail.status_code == 200 and "新增" in detail.content.decode()
    assert log.status_code == 200 and len(_ACCESS_ROW.findall(log.content.decode())) == 2  # the page view, this one


@pytest.mark.django_db
def test_the_access_log_shows_unmasks_and_is_itself_audited(client: Any, officer: Any, auditor: Any,
                                                            village_a: Any) -> None:
    person = make_person(village_a, name="王小明", phone="13800138000")
    login(client, officer)
    client.post(reverse("registry:person_unmask", args=[person.pk]), {"reason": "核对身份"})
    page = client.get(_detail(person.pk)).content.decode()
    assert "显示完整信息" not in page.split('id="history"')[1].split("<tbody>")[1] and _log(person.pk) not in page
    client.logout()
    login(client, auditor)
    assert _log(person.pk) in client.get(_detail(person.pk)).content.decode()
    log = client.get(_log(person.pk)).content.decode()
    assert "显示完整信息" in log and "核对身份" in log and officer.username in log and "13800138000" not in log
    newest = AuditEvent.objects.filter(object_id=str(person.pk)).latest("id")
    assert (newest.action, newest.actor) == ("view", auditor)
    assert newest.changes["what"] == "访问记录（查看、显示完整信息、导出）"
    rows = _ACCESS_ROW.findall(log)
    assert len(rows) == 4 and log.index("访问记录（查看") < log.index("人员详情（")  # newest first


@pytest.mark.django_db
def test_who_may_read_the_access_log(client: Any, make_user: Any, village_a: Any, village_b: Any, town_a: Any,
                                     county: Any) -> None:
    person = make_person(village_a, name="王小明")
    elsewhere = make_person(village_b, name="李四")
    for role, area, expected in (("auditor", county, 200), ("city_admin", county, 200), ("town_officer", town_a, 403),
                                 ("village_guide", village_a, 403), ("leader", county, 403),
                                 ("finance_officer", county, 403)):
        user = make_user(role, area)
        login(client, user)
        before = AuditEvent.objects.count()
        assert client.get(_log(person.pk)).status_code == expected, role
        assert AuditEvent.objects.count() == before + (expected == 200)  # a refusal records no view
        shows_link = _log(person.pk) in client.get(_detail(person.pk)).content.decode()
        assert shows_link == (expected == 200), role
        client.logout()
    town_auditor = make_user("auditor", town_a)
    login(client, town_auditor)
    outside, missing = client.get(_log(elsewhere.pk)), client.get(_log(elsewhere.pk + 1000))
    assert outside.status_code == missing.status_code == 404
    assert _plain(outside.content.decode()) == _plain(missing.content.decode().replace(str(elsewhere.pk + 1000),
                                                                                      str(elsewhere.pk)))


def _plain(page: str) -> str:
    """``page`` without what differs between any two answers (CSRF tokens, CSP nonces)."""
    return re.sub(r'(value|nonce|content)="[A-Za-z0-9+/=_-]{20,}"', "", page)
