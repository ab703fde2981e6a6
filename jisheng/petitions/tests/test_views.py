"""Staff petition pages: the intake form, the panel on the case page, the town inbox, the clerk's to-do, the overdue
list, sensitive periods, the daily report — who may open them, what they refuse, what they never show, and that
each runs the same number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jisheng.accounts.models import User
from jisheng.accounts.roles import Role
from jisheng.core import clock
from jisheng.core.models import Area
from jisheng.petitions import services
from jisheng.petitions.models import Delivery, Petition, SensitivePeriod
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_the_pages_day() -> Iterator[None]:
    """These tests are about pages and answers, not dates: they run on 2026-11-16 (their data's day) whatever
    day the suite runs on (``JISHENG_TEST_CLOCK``); the dated rules are re-run on other days by their own tests."""
    with clock.frozen(dt.date(2026, 11, 16)):
        yield

TODAY = dt.date(2026, 11, 16)  # the suite's day (tests/fixtures.py)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _client(user: User) -> Client:
    return login(Client(), user)


def _intake_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": "visit", "received_on": "2026-11-16", "received_time": "08:30", "order_no": "",
        "name": "李四海", "phone": "13912345678", "id_number": "", "address": "", "group_size": "1",
        "subject": "奖励扶助金未到账", "content": "2026年度奖励扶助金至今未到账。", "concerned_area": "",
        "complained_area": "", "complained_user": "", "complained_name": "", "forum_url": "", "repeat_of": "",
        "reply_channel": "",
        "rep-TOTAL_FORMS": "5", "rep-INITIAL_FORMS": "0", "rep-MIN_NUM_FORMS": "0", "rep-MAX_NUM_FORMS": "5",
    }
    data.update(overrides)
    return data


# --- intake --------------------------------------------------------------------------------------------------------


def test_the_intake_form_opens_for_the_clerk_and_refuses_other_roles(clerk: User, officer_a: User,
                                                                      make_user: Callable[..., User],
                                                                      county: Area) -> None:
    page = _client(clerk).get("/petitions/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "登记信访" in html and 'name="rep-4-name"' in html and 'name="rep-5-name"' not in html
    assert _client(officer_a).get("/petitions/new/").status_code == 403
    assert _client(make_user(Role.FINANCE_OFFICER, county)).get("/petitions/new/").status_code == 403


def test_registering_a_petition_links_the_registry_person_and_opens_its_case_page(clerk: User, town_a: Area,
                                                                                    village_a: Area) -> None:
    from jisheng.registry.tests.factories import make_person

    person = make_person(village_a, name="李四海")
    client = _client(clerk)
    response = client.post("/petitions/new/", _intake_data(id_number=person.id_number, concerned_area=town_a.code))
    petition = Petition.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{petition.case.number}/"
    assert petition.channel == "visit" and petition.concerned_area == town_a
    assert petition.received_at == dt.datetime(2026, 11, 16, 8, 30, tzinfo=clock.CST)
    assert petition.case.applicants.get(role="petitioner").person == person
    page = client.get(response["Location"]).content.decode()
    assert 'id="petition-panel"' in page and 'id="petitioner-linked"' in page and "已关联人口信息" in page
    assert "《信访工作条例》" in page and petition.tracking_code in page
    # every step goes through the panel (petitions' services file the papers): no generic engine form, and a
    # visit has no forum-screenshot line in its checklist
    number = petition.case.number
    for generic in ("decide", "record", "clock", "special", "action"):
        assert f'action="/cases/{number}/{generic}/"' not in page, generic
    assert "论坛帖子截图" not in page


def test_a_double_submitted_intake_form_registers_once(clerk: User) -> None:
    client = _client(clerk)
    first = client.post("/petitions/new/", _intake_data())
    second = client.post("/petitions/new/", _intake_data())
    assert Petition.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert "重复提交未再次登记" in client.get(second["Location"]).content.decode()


def test_a_group_visit_records_five_representatives_and_refuses_a_sixth(clerk: User) -> None:
    reps = {f"rep-{i}-name": f"代表{i}" for i in range(6)}
    response = _client(clerk).post("/petitions/new/", _intake_data(group_size="30", **reps, **{
        "rep-TOTAL_FORMS": "6"}))
    assert response.status_code == 200
    assert "集体访最多登记 5 名代表，本次填写了 6 名" in response.content.decode()
    assert not Petition.objects.exists()
    del reps["rep-5-name"]
    response = _client(clerk).post("/petitions/new/", _intake_data(group_size="30", **reps))
    petition = Petition.objects.get()
    assert petition.group_size == 30
    assert sorted(petition.case.applicants.filter(role="representative").values_list("name", flat=True)) == [
        f"代表{i}" for i in range(5)]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"id_number": "320585198001011234"}, "校验码"),
    ({"received_on": "2026-11-17"}, "收到时间不能晚于现在"),
    ({"channel": "forum"}, "网络论坛信访请填写帖子网址"),
    ({"name": ""}, "这个字段是必填项"),
    ({"rep-0-name": "代表"}, "登记了代表的为集体访"),
    ({"repeat_of": "XF2020-99999"}, "没有找到案号或查询码为 XF2020-99999 的信访件"),
    ({"received_on": "2005-04-30"}, "1995年《信访条例》"),
])
def test_the_intake_form_refuses_bad_input_and_registers_nothing(clerk: User, overrides: dict[str, str],
                                                                  message: str) -> None:
    response = _client(clerk).post("/petitions/new/", _intake_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Petition.objects.exists()


def test_a_forum_post_keeps_its_screenshot_and_a_wrong_file_is_refused(clerk: User) -> None:
    client = _client(clerk)
    bad = SimpleUploadedFile("shot.png", b"not an image", content_type="image/png")
    response = client.post("/petitions/new/", {**_intake_data(channel="forum", forum_url="https://bbs.example.cn/t/1"),
                                               "screenshot": bad})
    assert response.status_code == 200 and "只接受 PDF、JPEG 或 PNG 文件" in response.content.decode()
    assert not Petition.objects.exists()
    good = SimpleUploadedFile("shot.png", PNG, content_type="image/png")
    client.post("/petitions/new/", {**_intake_data(channel="forum", forum_url="https://bbs.example.cn/t/1"),
                                    "screenshot": good})
    petition = Petition.objects.get()
    assert petition.forum_url == "https://bbs.example.cn/t/1"
    assert list(petition.case.documents.values_list("kind", flat=True)) == ["forum_screenshot"]
    assert list(petition.case.materials.values_list("key", "provided")) == [("forum_screenshot", True)]
    # a screenshot belongs to a forum post only
    other = SimpleUploadedFile("shot.png", PNG, content_type="image/png")
    response = client.post("/petitions/new/", {**_intake_data(channel="visit"), "screenshot": other})
    assert response.status_code == 200 and "帖子截图只用于网络论坛信访" in response.content.decode()
    assert Petition.objects.count() == 1


def test_a_repeat_named_by_tracking_code_links_to_the_first_petition(clerk: User, receive: Callable[..., Petition]
                                                                     ) -> None:
    first = receive(dt.date(2026, 10, 1))
    second = receive(dt.date(2026, 10, 20), repeat_of=first)
    _client(clerk).post("/petitions/new/", _intake_data(repeat_of=second.tracking_code.lower()))
    third = Petition.objects.order_by("-id").first()
    assert third is not None and third.repeat_of == first


# --- the case page panel -------------------------------------------------------------------------------------------


def _assigned(receive: Callable[..., Petition], clerk: User, towns: list[Area]) -> Petition:
    petition = receive(dt.date(2026, 11, 2))
    services.petition_accept(petition, actor=clerk, on=dt.date(2026, 11, 3))
    for town in towns:
        services.petition_assign(petition, area=town, due=dt.date(2026, 11, 25), instruction="请核实", actor=clerk)
    return petition


def test_the_clerk_assigns_two_towns_at_once_each_with_its_due_date(clerk: User, receive: Callable[..., Petition],
                                                                     town_a: Area, town_b: Area) -> None:
    petition = receive(dt.date(2026, 11, 2))
    services.petition_accept(petition, actor=clerk, on=dt.date(2026, 11, 3))
    client = _client(clerk)
    response = client.post(f"/petitions/{petition.case.number}/assign/", {
        "assign-TOTAL_FORMS": "3", "assign-INITIAL_FORMS": "0", "assign-MIN_NUM_FORMS": "0",
        "assign-MAX_NUM_FORMS": "10", "assign-0-area": town_a.code, "assign-0-due": "2026-11-24",
        "assign-1-area": town_b.code, "assign-1-due": "2026-11-27", "instruction": "请于期限内答复"})
    assert response.status_code == 302
    rows = list(petition.assignments.order_by("due").values_list("area__code", "due"))
    assert rows == [(town_a.code, dt.date(2026, 11, 24)), (town_b.code, dt.date(2026, 11, 27))]
    # a row without its due date assigns nothing
    client.post(f"/petitions/{petition.case.number}/assign/", {
        "assign-TOTAL_FORMS": "1", "assign-INITIAL_FORMS": "0", "assign-0-unit_name": "市公安局"})
    assert petition.assignments.count() == 2
    page = client.get(f"/cases/{petition.case.number}/").content.decode()
    assert town_a.name in page and town_b.name in page and "2026-11-27" in page


def test_a_failed_delivery_shows_as_failed_with_a_retry_never_as_delivered(
        clerk: User, receive: Callable[..., Petition], town_a: Area, town_b: Area) -> None:
    petition = _assigned(receive, clerk, [town_a, town_b])
    assignment = petition.assignments.get(area=town_b)
    client = _client(clerk)
    client.post(f"/petitions/{petition.case.number}/deliver/", {
        "assignment": assignment.pk, "channel": "fax", "on": "2026-11-16", "outcome": "failed",
        "failure_reason": "传真号码空号"})
    failed = Delivery.objects.get(outcome="failed")
    page = client.get(f"/cases/{petition.case.number}/").content.decode()
    row = page[page.index(f'id="assignment-{assignment.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "送达失败" in row and "传真号码空号" in row and f'id="retry-{assignment.pk}"' in row
    assert '<span class="badge ok">已送达</span>' not in row
    assert f'name="retry_of" value="{failed.pk}"' in row
    client.post(f"/petitions/{petition.case.number}/deliver/", {
        "assignment": assignment.pk, "channel": "in_person", "on": "2026-11-16", "outcome": "delivered",
        "retry_of": failed.pk})
    failed.refresh_from_db()
    assert failed.outcome == "failed" and Delivery.objects.get(retry_of=failed).outcome == "delivered"
    # a failure without its reason is refused
    client.post(f"/petitions/{petition.case.number}/deliver/", {
        "assignment": petition.assignments.get(area=town_a).pk, "channel": "fax", "on": "2026-11-16",
        "outcome": "failed"})
    assert Delivery.objects.filter(outcome="failed").count() == 1


def test_the_case_page_of_a_petition_is_404_for_the_officer_it_names(
        clerk: User, receive: Callable[..., Petition], make_user: Callable[..., User], county: Area) -> None:
    named = make_user(Role.PETITION_CLERK, county)
    petition = receive(dt.date(2026, 11, 2), complained_user=named)
    assert _client(clerk).get(f"/cases/{petition.case.number}/").status_code == 200
    assert _client(named).get(f"/cases/{petition.case.number}/").status_code == 404
    assert _client(named).post(f"/petitions/{petition.case.number}/route/", {"action": "accept"}).status_code == 404


def test_a_review_after_the_window_is_refused_with_the_services_message(
        clerk: User, receive: Callable[..., Petition]) -> None:
    petition = receive(dt.date(2026, 9, 1))
    services.petition_accept(petition, actor=clerk, on=dt.date(2026, 9, 2))
    services.petition_give_opinion(petition, outcome="explain", facts="已核实", reasons="按规定办理",
                                   provision_keys=["petition-work-reg-2022/art-32"], actor=clerk,
                                   on=dt.date(2026, 9, 20))
    reply = services.petition_send_reply(petition, text="答复如下", channel="visit", on=dt.date(2026, 9, 21),
                                         actor=clerk)
    client = _client(clerk)
    client.post(f"/petitions/{petition.case.number}/received/", {"reply": reply.pk, "on": "2026-09-22"})
    reply.refresh_from_db()
    assert reply.received_on == dt.date(2026, 9, 22)
    response = client.post(f"/petitions/{petition.case.number}/review/", {"on": "2026-10-23", "request_text": "不服"})
    page = client.get(response["Location"]).content.decode()
    assert "复查请求已超过30日期限" in page
    petition.case.refresh_from_db()
    assert petition.case.status == "replied"


def test_exactly_one_follow_up_per_reply_and_dissatisfied_flags_without_reopening(
        clerk: User, leader: User, receive: Callable[..., Petition]) -> None:
    petition = receive(dt.date(2026, 9, 1))
    services.petition_accept(petition, actor=clerk, on=dt.date(2026, 9, 2))
    services.petition_give_opinion(petition, outcome="support", facts="属实", reasons="依规定支持",
                                   provision_keys=["petition-work-reg-2022/art-32"], actor=clerk,
                                   on=dt.date(2026, 9, 20))
    services.petition_send_reply(petition, text="支持", channel="visit", on=dt.date(2026, 9, 21), actor=clerk)
    client = _client(clerk)
    url = f"/petitions/{petition.case.number}/follow-up/"
    client.post(url, {"result": "dissatisfied", "on": "2026-11-16", "note": "仍有异议"})
    second = client.post(url, {"result": "satisfied", "on": "2026-11-16"})
    assert petition.follow_ups.count() == 1
    assert "已回访" in client.get(second["Location"]).content.decode()
    petition.refresh_from_db()
    petition.case.refresh_from_db()
    assert petition.supervisor_flag and petition.case.status == "replied"
    page = _client(leader).get(f"/cases/{petition.case.number}/").content.decode()
    assert 'id="supervisor-flag"' in page and "解除督办" in page
    assert _client(clerk).post(f"/petitions/{petition.case.number}/clear-flag/", {"note": "x"}).status_code == 403
    _client(leader).post(f"/petitions/{petition.case.number}/clear-flag/", {"note": "已约谈说明"})
    petition.refresh_from_db()
    assert not petition.supervisor_flag


# --- the town inbox ------------------------------------------------------------------------------------------------


def test_a_town_officer_sees_only_their_towns_assignments(clerk: User, officer_a: User, officer_b: User,
                                                          receive: Callable[..., Petition], town_a: Area,
                                                          town_b: Area) -> None:
    petition = _assigned(receive, clerk, [town_a])
    assignment = petition.assignments.get()
    inbox = _client(officer_a).get("/petitions/assignments/").content.decode()
    assert petition.case.number in inbox
    assert petition.case.number not in _client(officer_b).get("/petitions/assignments/").content.decode()
    assert _client(officer_a).get(f"/petitions/assignments/{assignment.pk}/").status_code == 200
    assert _client(officer_b).get(f"/petitions/assignments/{assignment.pk}/").status_code == 404
    assert _client(officer_b).post(f"/petitions/assignments/{assignment.pk}/acknowledge/").status_code == 404
    finance = User.objects.create(username="finance-x", role=Role.FINANCE_OFFICER, area=town_a)
    assert _client(finance).get("/petitions/assignments/").status_code == 403
    # the case itself is the city's: the town officer cannot open it
    assert _client(officer_a).get(f"/cases/{petition.case.number}/").status_code == 404


def test_the_town_acknowledges_and_answers_and_the_clerk_sees_it(clerk: User, officer_a: User,
                                                                  receive: Callable[..., Petition],
                                                                  town_a: Area) -> None:
    petition = _assigned(receive, clerk, [town_a])
    assignment = petition.assignments.get()
    client = _client(officer_a)
    page = client.get(f"/petitions/assignments/{assignment.pk}/").content.decode()
    assert 'id="acknowledge"' in page and 'id="respond-form"' not in page
    client.post(f"/petitions/assignments/{assignment.pk}/acknowledge/")
    assignment.refresh_from_db()
    assert assignment.status == "delivered"
    response = client.post(f"/petitions/assignments/{assignment.pk}/respond/", {"response": ""})
    assignment.refresh_from_db()
    assert assignment.status == "delivered"
    assert "这个字段是必填项" in client.get(response["Location"]).content.decode()
    client.post(f"/petitions/assignments/{assignment.pk}/respond/", {"response": "经核实已补发", "on": "2026-11-16"})
    assignment.refresh_from_db()
    assert assignment.status == "answered" and assignment.response == "经核实已补发"
    assert "经核实已补发" in _client(clerk).get(f"/cases/{petition.case.number}/").content.decode()


def test_the_complained_about_town_never_sees_the_petitioners_identity(
        clerk: User, officer_a: User, receive: Callable[..., Petition], town_a: Area, town_b: Area) -> None:
    petition = receive(dt.date(2026, 11, 2), complained_area=town_a,
                       content="王小红（13800000000，身份证320585198001010017）反映镇计生办不作为。",
                       petitioner={"name": "王小红", "phone": "13800000000", "id_number": "320585198001010017"})
    services.petition_accept(petition, actor=clerk, on=dt.date(2026, 11, 3))
    services.petition_assign(petition, area=town_a, due=dt.date(2026, 11, 25), instruction="核实", actor=clerk)
    assignment = petition.assignments.get()
    client = _client(officer_a)
    for url in ("/petitions/assignments/", f"/petitions/assignments/{assignment.pk}/"):
        html = client.get(url).content.decode()
        for secret in ("王小红", "王*红", "13800000000", "320585198001010017", "8000"):
            assert secret not in html, (url, secret)
    assert "不提供信访人身份信息" in client.get(f"/petitions/assignments/{assignment.pk}/").content.decode()


def test_another_town_sees_the_petitioner_masked(clerk: User, officer_b: User, receive: Callable[..., Petition],
                                                 town_a: Area, town_b: Area) -> None:
    petition = receive(dt.date(2026, 11, 2), complained_area=town_a)
    services.petition_accept(petition, actor=clerk, on=dt.date(2026, 11, 3))
    services.petition_assign(petition, area=town_b, due=dt.date(2026, 11, 25), instruction="核实", actor=clerk)
    html = _client(officer_b).get(f"/petitions/assignments/{petition.assignments.get().pk}/").content.decode()
    assert "王**" in html and "138****0000" in html and "王小红" not in html and "13800000000" not in html


# --- to-do, overdue, periods, daily report -------------------------------------------------------------------------


def test_the_clerks_to_do_lists_open_petitions_by_due_date_with_the_overdue_in_red(
        clerk: User, receive: Callable[..., Petition], town_a: Area) -> None:
    late = receive(dt.date(2026, 10, 20))  # acceptance due 2026-11-04: overdue
    fresh = receive(dt.date(2026, 11, 14), channel="letter")
    client = _client(clerk)
    page = client.get("/petitions/").content.decode()
    assert page.index(late.case.number) < page.index(fresh.case.number)
    assert "已超期 12 天" in page and 'class="overdue"' in page
    letters = client.get("/petitions/?channel=letter").content.decode()
    assert fresh.case.number in letters and late.case.number not in letters
    overdue_only = client.get("/petitions/?overdue=on").content.decode()
    assert late.case.number in overdue_only and fresh.case.number not in overdue_only


def test_the_overdue_list_changes_the_day_after_the_due_date(clerk: User, receive: Callable[..., Petition]) -> None:
    petition = receive(dt.date(2026, 11, 1))  # acceptance due 2026-11-16
    client = _client(clerk)
    assert petition.case.number not in client.get("/petitions/overdue/").content.decode()
    with clock.frozen(dt.date(2026, 11, 17)):
        page = client.get("/petitions/overdue/").content.decode()
    assert petition.case.number in page and "已超期 1 天" in page


def test_sensitive_periods_are_added_changed_and_deleted_and_have_a_watch_list(
        clerk: User, receive: Callable[..., Petition], make_user: Callable[..., User], county: Area) -> None:
    client = _client(clerk)
    client.post("/petitions/periods/", {"name": "全国两会", "start": "2026-03-01", "end": "2026-03-15"})
    period = SensitivePeriod.objects.get()
    response = client.post("/petitions/periods/", {"name": "两会", "start": "2026-03-15", "end": "2026-03-01"})
    assert "结束日期不能早于开始日期" in response.content.decode()
    client.post("/petitions/periods/", {"pk": period.pk, "name": "全国两会", "start": "2026-03-02",
                                        "end": "2026-03-16"})
    period.refresh_from_db()
    assert period.start == dt.date(2026, 3, 2)
    during = receive(dt.date(2026, 3, 5))
    group = receive(dt.date(2026, 6, 5), group_size=12)
    quiet = receive(dt.date(2026, 6, 6))
    page = client.get(f"/petitions/watch/?period={period.pk}").content.decode()
    assert during.case.number in page and group.case.number in page and quiet.case.number not in page
    auditor = make_user(Role.AUDITOR, county)
    assert _client(auditor).get("/petitions/periods/").status_code == 200
    assert _client(auditor).post("/petitions/periods/", {"pk": period.pk, "delete": "1"}).status_code == 403
    client.post("/petitions/periods/", {"pk": period.pk, "delete": "1"})
    assert not SensitivePeriod.objects.exists()


def test_the_daily_report_counts_the_days_petitions(clerk: User, receive: Callable[..., Petition]) -> None:
    receive(dt.date(2026, 11, 10), channel="letter")
    receive(dt.date(2026, 11, 10), channel="visit", group_size=8)
    receive(dt.date(2026, 11, 11))
    page = _client(clerk).get("/petitions/daily/?day=2026-11-10").content.decode()
    table = page[page.index('id="daily-table"'):]
    assert "当日新收信访件</th><td class=\"mono\">2<" in table
    assert "其中集体访</th><td class=\"mono\">1<" in table
    assert "信访工作日报（2026-11-10）" in page


def test_the_pages_answer_their_roles(clerk: User, officer_a: User, leader: User, make_user: Callable[..., User],
                                      county: Area) -> None:
    finance = make_user(Role.FINANCE_OFFICER, county)
    for url in ("/petitions/", "/petitions/overdue/", "/petitions/periods/", "/petitions/watch/",
                "/petitions/daily/", "/petitions/figures/"):
        for user in (clerk, officer_a, leader):
            assert _client(user).get(url).status_code == 200, (url, user.role)
        assert _client(finance).get(url).status_code == 403, url
    assert _client(officer_a).get("/petitions/assignments/").status_code == 200


def test_each_figure_links_to_the_cases_behind_it(clerk: User, receive: Callable[..., Petition]) -> None:
    letter = receive(dt.date(2026, 11, 10), channel="letter")
    receive(dt.date(2026, 11, 11), channel="visit")
    client = _client(clerk)
    page = client.get("/petitions/figures/?by=channel&start=2026-11-01&end=2026-11-16").content.decode()
    link = "?by=channel&amp;start=2026-11-01&amp;end=2026-11-16&amp;key=letter&amp;figure=received#figure-cases"
    assert f'href="{link}">1</a>' in page
    behind = client.get("/petitions/figures/" + link.replace("&amp;", "&")).content.decode()
    listed = behind[behind.index('id="figure-cases"'):]
    assert letter.case.number in listed and listed.count("/cases/XF") == 1


def test_the_navigation_leads_to_the_clerks_to_do(clerk: User) -> None:
    page = _client(clerk).get("/").content.decode()
    assert 'href="/petitions/"' in page


def test_the_town_officers_workbench_lists_open_assignments(clerk: User, officer_a: User,
                                                            receive: Callable[..., Petition], town_a: Area) -> None:
    petition = _assigned(receive, clerk, [town_a])
    page = _client(officer_a).get("/").content.decode()
    assert f"交办件待签收：{petition.case.number}" in page
    assert f"/petitions/assignments/{petition.assignments.get().pk}/" in page


# --- fixed query counts --------------------------------------------------------------------------------------------


def _grow(total: int, receive: Callable[..., Petition], clerk: User, towns: list[Area]) -> Petition:
    """Bring the data to ``total`` petitions, each accepted and assigned to ``towns`` with a failed fax each."""
    last = None
    while Petition.objects.count() < total:
        last = _assigned(receive, clerk, towns)
        for a in last.assignments.all():
            services.delivery_record(assignment=a, channel="fax", on=TODAY, outcome="failed", failure_reason="占线",
                                     actor=clerk)
        SensitivePeriod.objects.get_or_create(name="两会", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
    return last or Petition.objects.order_by("-id").first()  # type: ignore[return-value]


@pytest.mark.parametrize("page", ["todo", "overdue", "watch", "daily", "case", "inbox", "assignment", "periods",
                                  "figures"])
def test_each_petition_page_runs_the_same_queries_for_2_and_8_petitions(
        page: str, clerk: User, officer_a: User, receive: Callable[..., Petition], town_a: Area,
        town_b: Area) -> None:
    counts = []
    for total in (2, 8):
        petition = _grow(total, receive, clerk, [town_a, town_b])
        user = officer_a if page in ("inbox", "assignment") else clerk
        url = {"todo": "/petitions/", "overdue": "/petitions/overdue/", "watch": "/petitions/watch/",
               "daily": "/petitions/daily/?day=2026-11-02", "case": f"/cases/{petition.case.number}/",
               "inbox": "/petitions/assignments/", "periods": "/petitions/periods/", "figures": "/petitions/figures/",
               "assignment": f"/petitions/assignments/{petition.assignments.get(area=town_a).pk}/"}[page]
        client = _client(user)
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], f"{counts[0]} queries with 2 petitions, {counts[1]} with 8"
