"""The Done-when scenario of issue 12 in Debian's chromium (Playwright): a citizen submits the web form and gets a
tracking code; the clerk accepts it and routes it to two towns; one town's delivery fails and is retried; both towns
acknowledge and answer; the clerk gives the opinion and sends the reply through the web; the citizen enters the code
and sees the reply.

The fixtures here (``browser``, ``live_reference``) serve the portal's screenshot test too (test_public.py).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests import tools
from tests.conftest import login

#: Where the screenshots go (looked at by a person; not compared by the test).
SHOTS = Path("/tmp/h/shots")


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Debian's chromium. Playwright's sync API keeps an event loop in this thread, so Django's async guard must be
    told that the test's plain database calls are fine (they are not in a coroutine)."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=tools.chromium(), args=tools.CHROMIUM_ARGS)
        yield b
        b.close()


def _restore_reference_data() -> None:
    """The session's reference data (area tree, address codes, demo villages) and, on SQLite, the audit trail's
    append-only triggers, as the suite's ``django_db_setup`` leaves them."""
    from django.db import connection

    from jisheng.core.areas import load_address_codes, load_areas
    from jisheng.core.demo import generate_villages
    from jisheng.core.models import Area

    if connection.vendor == "sqlite":
        migration = importlib.import_module("jisheng.core.migrations.0002_audit_append_only")
        with connection.cursor() as cursor:
            for sql in migration.SQLITE_DROP:
                cursor.execute(sql)
            for sql in migration.SQLITE_TRIGGERS:
                cursor.execute(sql)
    if not Area.objects.exists():
        load_areas()
        load_address_codes()
        generate_villages(seed=1, county_code="320585")


@pytest.fixture(scope="module")
def _reference_after_module(django_db_blocker: Any) -> Iterator[None]:
    """After the module's last browser test has flushed the database: put the reference data back for the tests
    that follow (the flush of a transactional test happens after every function fixture has been torn down)."""
    yield
    with django_db_blocker.unblock():
        _restore_reference_data()


@pytest.fixture
def live_reference(_reference_after_module: None) -> Iterator[None]:
    """For a ``live_server`` test (a transactional database, flushed afterwards): the reference data present at the
    start (a browser test before this one in the module flushed it), and on SQLite the audit trail's append-only
    triggers dropped at the end so that the flush can empty the tables."""
    from django.db import connection

    _restore_reference_data()
    yield
    if connection.vendor == "sqlite":
        migration = importlib.import_module("jisheng.core.migrations.0002_audit_append_only")
        with connection.cursor() as cursor:
            for sql in migration.SQLITE_DROP:
                cursor.execute(sql)


def citizen_page(browser: Any, live_server: Any, *, width: int = 390, height: int = 844) -> Any:
    """A visitor's page without any cookie, phone-sized by default."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN",
                                  viewport={"width": width, "height": height}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def staff_page(browser: Any, live_server: Any, user: Any) -> Any:
    """A signed-in staff member's page (desktop-sized)."""
    client = login(Client(), user)
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def fill_web_form(page: Any, *, name: str, phone: str, town: str, subject: str, content: str) -> None:
    """Fill the public web form as a citizen does (no JavaScript needed) and submit it."""
    page.goto("/portal/")
    page.locator("#section-petitions").get_by_role("link", name="网上信访").click()
    page.fill("#id_name", name)
    page.fill("#id_phone", phone)
    page.select_option("#id_town", label=town)
    page.fill("#id_subject", subject)
    page.fill("#id_content", content)
    page.check("#id_consent")
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_selector("#tracking-code")


def _today() -> dt.date:
    from jisheng.core import clock

    return clock.today()


# --- the Done-when scenario ---------------------------------------------------------------------------------------

def _case_action(page: Any, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def _assignment_row(page: Any, town: str) -> Any:
    return page.locator("#assignment-table tbody tr", has=page.locator("td:first-child", has_text=town))


def _town_answers(page: Any, number: str, answer: str) -> None:
    """A town officer opens the assignment from the inbox, acknowledges it (签收) and answers."""
    page.goto("/petitions/assignments/")
    page.locator("#inbox-table").get_by_role("link", name=number).click()
    page.wait_for_selector("#acknowledge")
    page.click("#acknowledge")
    page.wait_for_selector("#respond-form")
    assert page.locator("#assignment-status").inner_text() == "已送达"
    page.locator("#respond-form textarea").fill(answer)
    page.locator("#respond-form").get_by_role("button", name="提交答复").click()
    page.wait_for_load_state()
    assert page.locator("#assignment-status").inner_text() == "已答复"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_web_petition_from_the_form_to_the_reply_in_the_browser(live_reference: None, live_server: Any,
                                                                   browser: Any, make_user: Any, county: Any,
                                                                   town_a: Any, town_b: Any) -> None:
    from jisheng.accounts.roles import Role
    from jisheng.core import clock
    from jisheng.petitions.models import Delivery, Petition

    clerk = make_user(Role.PETITION_CLERK, county, display_name="市信访办李娟")
    officer_a = make_user(Role.TOWN_OFFICER, town_a, display_name="城厢镇计生办张敏")
    officer_b = make_user(Role.TOWN_OFFICER, town_b, display_name="沙溪镇计生办王伟")
    citizen = citizen_page(browser, live_server)
    desk = staff_page(browser, live_server, clerk)
    town_a_page = staff_page(browser, live_server, officer_a)
    town_b_page = staff_page(browser, live_server, officer_b)
    day = dt.date(2026, 11, 16)  # a Monday

    # 1. the citizen submits the web form and is given a tracking code
    with clock.frozen(dt.datetime(2026, 11, 16, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        fill_web_form(citizen, name="周晓梅", phone="13912345678", town="城厢镇",
                      subject="独生子女父母奖励未按时发放",
                      content="本人户籍在城厢镇，丈夫在沙溪镇工作，2025年起未领到独生子女父母奖励，请求核实补发。")
        code = citizen.locator("#tracking-code").inner_text()
    assert len(code) == 12 and code not in citizen.url
    petition = Petition.objects.get()
    number = petition.case.number

    # 2. the clerk finds it on the to-do list, accepts it and routes it to two towns at once
    with clock.frozen(day + dt.timedelta(days=1)):
        desk.goto("/petitions/")
        desk.locator("#todo-table").get_by_role("link", name=number).click()
        desk.wait_for_selector("#petition-panel")
        assert desk.locator("#case-status").inner_text() == "已登记"
        desk.click("#route-accept")
        desk.wait_for_load_state()
        assert desk.locator("#case-status").inner_text() == "已受理"
        box = desk.locator("#assign-form-box")
        if box.get_attribute("open") is None:
            box.locator("summary").click()
        rows = desk.locator("#assign-form .assign-row")
        rows.nth(0).locator("select").select_option(label="城厢镇")
        rows.nth(0).locator("input[type=date]").fill("2026-11-27")
        rows.nth(1).locator("select").select_option(label="沙溪镇")
        rows.nth(1).locator("input[type=date]").fill("2026-11-30")
        desk.locator("#assign-form textarea[name=instruction]").fill("请核实奖励发放情况，按期书面答复。")
        desk.locator("#assign-form").get_by_role("button", name="交办").click()
        desk.wait_for_load_state()
        assert _assignment_row(desk, "城厢镇").count() == 1 and _assignment_row(desk, "沙溪镇").count() == 1
        assert "已发出，未签收" in _assignment_row(desk, "沙溪镇").inner_text()

        # 3. the delivery to 沙溪镇 fails (recorded by the clerk) and is retried
        row_b = _assignment_row(desk, "沙溪镇")
        row_b.locator("details summary").click()
        form = row_b.locator("form")
        form.locator("select[name=channel]").select_option(label="传真")
        form.locator("input[name=on]").fill("2026-11-17")
        form.locator("select[name=outcome]").select_option(label="送达失败")
        form.locator("input[name=failure_reason]").fill("镇信访办传真无人接收")
        form.get_by_role("button", name="登记送达").click()
        desk.wait_for_load_state()
        row_b = _assignment_row(desk, "沙溪镇")
        assert "送达失败" in row_b.inner_text() and "镇信访办传真无人接收" in row_b.inner_text()
        assert "已送达" not in row_b.locator("td").nth(2).inner_text()
        retry = row_b.locator("form")  # the retry form, folded under "重新送达", names the failed attempt
        assert retry.locator("input[name=retry_of]").count() == 1
        row_b.locator("details summary", has_text="重新送达").click()
        retry.locator("select[name=channel]").select_option(label="系统推送")
        retry.locator("input[name=on]").fill("2026-11-17")
        retry.locator("select[name=outcome]").select_option(label="已发出")
        retry.get_by_role("button", name="重新送达").click()
        desk.wait_for_load_state()
        assert "（重新送达）" in _assignment_row(desk, "沙溪镇").inner_text()
    failed = Delivery.objects.get(assignment__area=town_b, outcome="failed")
    assert failed.retries.count() == 1 and failed.outcome == "failed"

    # 4. both towns acknowledge and answer
    with clock.frozen(day + dt.timedelta(days=3)):
        _town_answers(town_a_page, number, "经核实，周晓梅2025年度奖励因信息未同步漏发，已于11月19日补发。")
        _town_answers(town_b_page, number, "沙溪镇无该户发放记录，奖励由户籍地城厢镇发放，已配合核实。")
    failed.refresh_from_db()
    assert failed.outcome == "failed"  # never turned into a delivery

    # 5. the clerk gives the opinion and sends the reply through the web
    with clock.frozen(day + dt.timedelta(days=4)):
        desk.goto(f"/cases/{number}/")
        for town in ("城厢镇", "沙溪镇"):
            assert "已答复" in _assignment_row(desk, town).inner_text()
        desk.locator("#petition-assignments").screenshot(path=str(SHOTS / "petition-case-two-towns-1280.png"))
        opinion = desk.locator("#opinion-form")
        opinion.get_by_label("支持", exact=True).check()
        opinion.locator("textarea[name=facts]").fill("经城厢镇、沙溪镇核实，信访人2025年度奖励漏发属实，已补发。")
        opinion.locator("textarea[name=reasons]").fill("信访人符合领取条件，诉求合理。")
        if not opinion.locator("input[name=provision_keys]:checked").count():
            opinion.locator("input[name=provision_keys]").first.check()
        opinion.locator("button[type=submit]").last.click()
        desk.wait_for_load_state()
        assert desk.locator("#case-status").inner_text() == "已出具处理意见"
        reply_form = desk.locator("#reply-form")
        reply_form.locator("textarea[name=text]").fill(
            "周晓梅：您反映的独生子女父母奖励未发放问题，经核实属实，2025年度奖励已于11月19日补发到您尾号5678的账户。"
            "如有疑问请致电0512-53521234。")
        reply_form.locator("select[name=channel]").select_option(label="网上信访")
        reply_form.locator("input[name=on]").fill("2026-11-20")
        reply_form.get_by_role("button", name="发送答复").click()
        desk.wait_for_load_state()
        assert desk.locator("#case-status").inner_text() == "已答复"
        assert "尚未登记收到日期" in desk.locator("#petition-replies").inner_text()

    # 6. the citizen enters the code and sees the reply (which records that they received it that day)
    with clock.frozen(day + dt.timedelta(days=5)):
        citizen.goto("/portal/")
        citizen.locator("#section-petitions").get_by_role("link", name="办理进度查询").click()
        citizen.fill("#id_code", code)
        citizen.get_by_role("button", name="查询", exact=True).click()
        citizen.wait_for_selector("#petition-reply")
        assert citizen.locator("#status-label").inner_text() == "已答复"
        reply = citizen.locator("#petition-reply").inner_text()
        assert "2025年度奖励已于11月19日补发" in reply and "答复日期：2026-11-20" in reply
        assert "周晓梅" not in reply and "周**" in reply and "0512-****1234" in reply
        citizen.screenshot(path=str(SHOTS / "portal-petition-track-after-reply-390.png"), full_page=True)
        desk.goto(f"/cases/{number}/")
        assert "信访人收到 2026-11-21" in desk.locator("#petition-replies").inner_text()
