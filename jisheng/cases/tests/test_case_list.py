"""The case list and its export: filters by type, status in words, town in scope, party and due window; each row
with its town, masked parties and nearest deadline; a fixed number of queries per page; the .xlsx export of the
filtered list, audited, masked, never cached and free of live formulas."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jisheng.accounts.roles import Role
from jisheng.cases import services
from jisheng.cases.models import Case, CaseClock
from jisheng.cases.types import ClockRule, Party
from jisheng.core import clock
from jisheng.core.models import AuditEvent
from jisheng.registry.tests.factories import make_person
from tests.conftest import login

TODAY = dt.date(2026, 11, 16)
DAY = dt.date(2026, 11, 2)
CLOCK = (ClockRule("decision", "审查决定", starts_on="received", stop_on=frozenset({"action:grant"}), unit="calendar",
                   amount=20),)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    """Days left and due windows are counted from this day, whatever day the suite runs on."""
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def listed(register_type: Any) -> str:
    """A toy type whose clock runs from receipt in calendar days and which admits parties outside the registry."""
    return register_type(key="toy_list", prefix="TL", label="玩具许可", clock_rules=CLOCK, parties=(
        Party("wife", "女方"), Party("husband", "男方"), Party("petitioner", "信访人", registry=False))).key


def _case(key: str, area: Any, actor: Any, *, people: tuple[Any, ...] = (), outside: str = "",
          due: dt.date | None = None, pending: int | None = None) -> Case:
    roles = ("wife", "husband")
    case = services.case_create(case_type=key, area=area, application_date=DAY, actor=actor,
                                applicants=[(p, roles[i]) for i, p in enumerate(people)],
                                outside_parties=[{"role": "petitioner", "name": outside}] if outside else [])
    if due is not None or pending is not None:
        CaseClock.objects.filter(case=case).update(due=due, pending_year=pending)
    return case


def _numbers(page: str) -> list[str]:
    return re.findall(r'class="mono">(TL\d{4}-\d{5})<', page)


@pytest.mark.django_db
def test_a_town_officer_lists_and_may_choose_only_their_own_town(listed: str, town_a: Any, town_b: Any,
                                                                  village_a: Any, make_user: Any, client: Any,
                                                                  actor_for: Any) -> None:
    here = _case(listed, town_a, actor_for("change"))
    there = _case(listed, town_b, make_user(Role.TOWN_OFFICER, town_b))
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    page = client.get("/cases/").content.decode()
    assert _numbers(page) == [here.number]
    towns = re.findall(r'<select name="town">(.*?)</select>', page, re.S)
    assert len(towns) == 1 and f'value="{town_a.code}"' in towns[0] and town_b.code not in towns[0]
    assert ">城厢镇<" in towns[0] and "沙溪镇" not in towns[0]
    # another town's code typed into the address bar finds nothing of theirs (and is not echoed as chosen)
    assert _numbers(client.get("/cases/", {"town": town_b.code}).content.decode()) == [here.number]
    assert there.number not in client.get("/cases/", {"town": town_b.code}).content.decode()


@pytest.mark.django_db
def test_a_county_account_filters_by_any_of_its_towns(listed: str, town_a: Any, town_b: Any, county: Any,
                                                      make_user: Any, client: Any, actor_for: Any) -> None:
    here = _case(listed, town_a, actor_for("change"))
    there = _case(listed, town_b, make_user(Role.TOWN_OFFICER, town_b))
    login(client, make_user(Role.LEADER, county))
    page = client.get("/cases/").content.decode()
    assert _numbers(page) == [there.number, here.number]
    options = re.findall(r'<option value="(\d{12})"', re.findall(r'<select name="town">(.*?)</select>', page,
                                                                 re.S)[0])
    assert len(options) == 8 and town_a.code in options and town_b.code in options
    page = client.get("/cases/", {"town": town_b.code}).content.decode()
    assert _numbers(page) == [there.number]
    assert "<td>沙溪镇</td>" in page  # the receiving town of each case


@pytest.mark.django_db
def test_the_status_filter_lists_statuses_in_words_never_codes(listed: str, town_a: Any, make_user: Any,
                                                                client: Any, actor_for: Any) -> None:
    officer = actor_for("change")
    waiting = _case(listed, town_a, officer)
    accepted = _case(listed, town_a, officer)
    services.case_transition(accepted, action="accept", actor=officer)
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    page = client.get("/cases/").content.decode()
    select = re.findall(r'<select name="status">(.*?)</select>', page, re.S)[0]
    labels = re.findall(r">([^<>]+)</option>", select)
    assert "已收件" in labels and "已受理" in labels and "镇级已出具意见" in labels  # toy and birth approval
    assert not [label for label in labels if re.fullmatch(r"[a-z_]+", label)]  # no internal code shown
    assert '<optgroup label="玩具许可">' in select and '<optgroup label="再生育审批">' in select
    assert "<td>已受理</td>" in page and "<td>已收件</td>" in page and "<td>accepted</td>" not in page
    # a chosen type lists its own statuses only
    select = re.findall(r'<select name="status">(.*?)</select>',
                        client.get("/cases/", {"type": listed}).content.decode(), re.S)[0]
    assert "<optgroup" not in select and "镇级已出具意见" not in select and "已受理" in select
    # the status of one type: only that type's cases in that status
    page = client.get("/cases/", {"status": f"{listed}:accepted"}).content.decode()
    assert _numbers(page) == [accepted.number]
    assert f'<option value="{listed}:accepted" selected>' in page
    assert _numbers(client.get("/cases/", {"type": listed, "status": "received"}).content.decode()) == \
        [waiting.number]
    # a status of another type than the one chosen is dropped, not mixed in
    page = client.get("/cases/", {"type": listed, "status": "birth_approval:accepted"}).content.decode()
    assert _numbers(page) == [accepted.number, waiting.number]


@pytest.mark.django_db
def test_parties_are_found_by_name_prefix_or_exact_normalised_id_number_and_shown_masked(
        listed: str, town_a: Any, village_a: Any, make_user: Any, client: Any, actor_for: Any) -> None:
    officer = actor_for("change")
    wang = make_person(village_a, name="王小红", sex="F", birth_date=dt.date(1986, 4, 2))
    li = make_person(village_a, name="李建国", sex="M", birth_date=dt.date(1984, 9, 10))
    zhou = make_person(village_a, name="周芳", sex="F", birth_date=dt.date(1988, 1, 7))
    first = _case(listed, town_a, officer, people=(wang, li))
    second = _case(listed, town_a, officer, people=(zhou,))
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    page = client.get("/cases/").content.decode()
    assert "王**、李**" in page and "周*" in page
    assert "王小红" not in page and "李建国" not in page and wang.id_number not in page
    assert _numbers(client.get("/cases/", {"applicant": "王小"}).content.decode()) == [first.number]
    assert _numbers(client.get("/cases/", {"applicant": "周"}).content.decode()) == [second.number]
    # an ID number as people type it: spaces, full-width digits, lower-case x — normalised, matched exactly
    typed = " ".join([zhou.id_number[:6], zhou.id_number[6:14], zhou.id_number[14:]]).translate(
        str.maketrans("0123456789X", "０１２３４５６７８９x"))
    assert _numbers(client.get("/cases/", {"applicant": typed}).content.decode()) == [second.number]
    assert _numbers(client.get("/cases/", {"applicant": li.id_number}).content.decode()) == [first.number]
    assert _numbers(client.get("/cases/", {"applicant": li.id_number[:14]}).content.decode()) == []  # not a prefix


@pytest.mark.django_db
def test_due_windows_and_the_nearest_deadline_with_days_left(listed: str, town_a: Any, make_user: Any,
                                                             client: Any, actor_for: Any) -> None:
    officer = actor_for("change")
    today = TODAY
    late = _case(listed, town_a, officer, due=today - dt.timedelta(days=2))
    soon = _case(listed, town_a, officer, due=today + dt.timedelta(days=3))
    week = _case(listed, town_a, officer, due=today + dt.timedelta(days=6))
    later = _case(listed, town_a, officer, due=today + dt.timedelta(days=20))
    pending = _case(listed, town_a, officer, pending=2027)
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    assert _numbers(client.get("/cases/", {"due": "overdue"}).content.decode()) == [late.number]
    assert _numbers(client.get("/cases/", {"due": "3"}).content.decode()) == [soon.number, late.number]
    assert _numbers(client.get("/cases/", {"due": "7"}).content.decode()) == [week.number, soon.number,
                                                                                late.number]
    assert _numbers(client.get("/cases/", {"due": "pending"}).content.decode()) == [pending.number]
    page = client.get("/cases/").content.decode()
    rows = {n: row for n, row in re.findall(r'class="mono">(TL\d{4}-\d{5})<(.*?)</tr>', page, re.S)}
    assert '<span class="badge danger">已超期 2 天</span>' in rows[late.number]
    assert "2026-11-14" in rows[late.number] and "审查决定" in rows[late.number]
    assert '<span class="badge warn">剩 3 天</span>' in rows[soon.number]
    assert '<span class="badge">剩 20 天</span>' in rows[later.number]
    assert "届满日待定（工作日历缺少2027年）" in rows[pending.number]


@pytest.mark.django_db
def test_the_next_page_keeps_the_filters(listed: str, town_a: Any, make_user: Any, client: Any,
                                         actor_for: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from jisheng.cases import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    officer = actor_for("change")
    made = [_case(listed, town_a, officer, due=dt.date(2026, 11, 10)) for _ in range(3)]
    _case(listed, town_a, officer)  # not overdue: never listed under the filter
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    page = client.get("/cases/", {"type": listed, "due": "overdue", "town": town_a.code}).content.decode()
    assert _numbers(page) == [made[2].number, made[1].number]
    link = re.findall(r'id="next-page" href="\?([^"]+)"', page)[0].replace("&amp;", "&")
    assert f"type={listed}" in link and "due=overdue" in link and f"town={town_a.code}" in link
    assert _numbers(client.get("/cases/?" + link).content.decode()) == [made[0].number]


@pytest.mark.django_db
def test_a_page_runs_the_same_queries_for_3_and_30_cases(listed: str, town_a: Any, village_a: Any,
                                                         make_user: Any, client: Any, actor_for: Any) -> None:
    officer = actor_for("change")
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    client.get("/cases/")  # the first request of a session may refresh it: count from the second on

    def queries(total: int) -> int:
        while Case.objects.filter(case_type=listed).count() < total:
            n = Case.objects.count()
            people = (make_person(village_a, name=f"王{n}红", sex="F"), make_person(village_a, name=f"李{n}", sex="M"))
            _case(listed, town_a, officer, people=people, outside="某某医院",
                  due=dt.date(2026, 11, 10) if n % 2 else dt.date(2026, 12, 1))
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/cases/").content.decode()
        assert len(_numbers(page)) == total
        return len(ctx.captured_queries)

    assert queries(3) == queries(30)


def _workbook(response: Any) -> Any:
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                             else response.content))


@pytest.mark.django_db
def test_the_export_is_the_filtered_list_masked_audited_and_never_cached(
        listed: str, town_a: Any, town_b: Any, village_a: Any, make_user: Any, client: Any,
        actor_for: Any) -> None:
    officer = actor_for("change")
    wang = make_person(village_a, name="王小红", sex="F", birth_date=dt.date(1986, 4, 2))
    li = make_person(village_a, name="李建国", sex="M", birth_date=dt.date(1984, 9, 10))
    late = _case(listed, town_a, officer, people=(wang, li), due=dt.date(2026, 11, 13))
    formula = _case(listed, town_a, officer, outside='=HYPERLINK("http://evil.example","x")',
                    due=dt.date(2026, 11, 15))
    _case(listed, town_a, officer, due=dt.date(2026, 12, 30))  # not overdue: left out
    _case(listed, town_b, make_user(Role.TOWN_OFFICER, town_b), due=dt.date(2026, 11, 1))  # another town
    user = make_user(Role.TOWN_OFFICER, town_a)
    login(client, user)
    page = client.get("/cases/", {"type": listed, "due": "overdue"}).content.decode()
    assert f'href="/cases/export/?type={listed}&amp;due=overdue"' in page
    response = client.get("/cases/export/", {"type": listed, "due": "overdue"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "no-store" in response["Cache-Control"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    wb = _workbook(response)
    ws = wb.worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["案号", "事项", "受理地", "申请日期", "状态", "最近届满日", "剩余天数", "当事人"]
    assert [r[0] for r in rows[1:]] == _numbers(page) == [formula.number, late.number]
    assert rows[2][1:] == ["玩具许可", "城厢镇", dt.datetime(2026, 11, 2), "已收件", dt.datetime(2026, 11, 13), -3,
                           "王**、李**"]
    cell = ws.cell(row=2, column=8)
    assert cell.data_type == "s" and cell.value.startswith("'=")  # formula text neutralised, stored as text
    assert not [c for r in ws.iter_rows() for c in r if c.data_type == "f"]
    text = " ".join(str(c.value) for sheet in wb.worksheets for r in sheet.iter_rows() for c in r)
    for secret in ("王小红", "李建国", wang.id_number, li.id_number, "evil.example"):
        assert secret not in text
    notes = dict((r[0].value, r[1].value) for r in wb.worksheets[1].iter_rows())
    assert notes["事项"] == "玩具许可" and notes["期限"] == "已超期" and notes["条数"] == "2"
    event = AuditEvent.objects.filter(action="export", object_type="cases.case").get()
    assert event.actor == user and event.changes["count"] == 2 and event.changes["format"] == "xlsx"
    assert event.changes["filters"] == {"type": listed, "status": "", "town": "", "applicant": "",
                                        "due": "overdue", "capped": False}


@pytest.mark.django_db
def test_an_export_above_the_cap_says_it_was_cut(listed: str, town_a: Any, make_user: Any, client: Any,
                                                 actor_for: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from jisheng.cases import exports

    monkeypatch.setattr(exports, "EXPORT_LIMIT", 2)
    officer = actor_for("change")
    made = [_case(listed, town_a, officer) for _ in range(3)]
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    wb = _workbook(client.get("/cases/export/", {"applicant": ""}))
    assert [r[0].value for r in wb.worksheets[0].iter_rows(min_row=2)] == [made[2].number, made[1].number]
    notes = dict((r[0].value, r[1].value) for r in wb.worksheets[1].iter_rows())
    assert notes["条数"] == "仅导出前 2 条，请缩小筛选范围后分批导出"
    assert AuditEvent.objects.get(action="export", object_type="cases.case").changes["filters"]["capped"] is True
