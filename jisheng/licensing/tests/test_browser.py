"""The Done-when scenario in Debian's chromium (Playwright): a birth-approval application from registration
to the decision PDF, the clock's explanation, and a special case blocked until its three records arrive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from jisheng.accounts.roles import Role
from jisheng.core import clock
from tests import tools
from tests.conftest import login

from .helpers import make_couple

PDF = b"%PDF-1.4\n% scanned material\n"


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Debian's chromium. Playwright's sync API keeps an event loop in this thread, so Django's async
    guard must be told that the test's plain database calls are fine (they are not in a coroutine)."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=tools.chromium(), args=tools.CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def restore_reference_data(request: Any, django_db_blocker: Any) -> Iterator[None]:
    """live_server needs a transactional database, flushed afterwards. On SQLite the audit trail's
    append-only triggers refuse that flush, so they are dropped here; the licensing conftest's
    ``pytest_runtest_teardown`` recreates them and reloads the session's reference data after the flush."""
    request.node.reload_reference_data = django_db_blocker
    yield
    import importlib

    from django.db import connection

    if connection.vendor == "sqlite":
        migration = importlib.import_module("jisheng.core.migrations.0002_audit_append_only")
        with connection.cursor() as cursor:
            for sql in migration.SQLITE_DROP:
                cursor.execute(sql)


def _page(browser: Any, live_server: Any, user: Any) -> Any:
    client = login(Client(), user)
    context = browser.new_context(base_url=live_server.url, accept_downloads=True, locale="zh-CN")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _file(name: str, mime: str = "application/pdf", data: bytes = PDF) -> dict[str, Any]:
    return {"name": name, "mimeType": mime, "buffer": data}


def _register(page: Any, wife: Any, husband: Any, *, special: bool = False) -> str:
    page.goto("/cases/")
    page.click("#new-birth-approval")
    page.fill("#id_reg-wife", wife.id_number)
    page.fill("#id_reg-husband", husband.id_number)
    page.fill("#id_reg-application_date", "2013-06-03")
    page.locator("details summary").first.click()
    page.select_option("#id_q-wife_only_child", "yes")
    page.select_option("#id_q-husband_only_child", "yes")
    if special:
        page.check("#id_reg-is_special")
        page.fill("#id_reg-special_reason", "户籍迁移情况复杂，需集体讨论")
    page.get_by_role("button", name="登记").click()
    page.wait_for_url("**/cases/ZS*/")
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def _upload_all_materials(page: Any) -> None:
    """Upload a scan for every material still missing (rows without a form are already provided)."""
    while page.locator("#materials tbody tr form").count():
        form = page.locator("#materials tbody tr form").first
        form.locator("input[type=file]").set_input_files(_file("scan.pdf"))
        form.get_by_role("button", name="上传").click()
        page.wait_for_load_state()


def _act(page: Any, label: str, opinion: str = "") -> None:
    form = page.locator("form.case-action", has=page.get_by_role("button", name=label, exact=True))
    if opinion:
        form.locator("textarea").fill(opinion)
    form.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_birth_approval_in_the_browser(restore_reference_data: None, live_server: Any, browser: Any,
                                       make_user: Any, town_a: Any, county: Any, village_a: Any) -> None:
    wife, husband, _ = make_couple(village_a)
    wife2, husband2, _ = make_couple(village_a, wife_name="周芳", husband_name="吴刚")
    officer = make_user(Role.TOWN_OFFICER, town_a, display_name="城厢镇计生办张敏")
    decider = make_user(Role.CITY_ADMIN, county, display_name="市人口计生委刘强")
    reviewer = make_user(Role.LEGAL_REVIEWER, county, display_name="法制科陈静")
    town = _page(browser, live_server, officer)
    city = _page(browser, live_server, decider)
    legal = _page(browser, live_server, reviewer)

    with clock.frozen(dt.date(2013, 6, 3)):
        number = _register(town, wife, husband)
        assert town.locator("#case-status").inner_text() == "已收件"
        # one material arrives with the application; the rest are missing → one-time written notice
        first = town.locator("#materials tbody tr").first.locator("form")
        first.locator("input[type=file]").set_input_files(_file("form.pdf"))
        first.get_by_role("button", name="上传").click()
        town.wait_for_load_state()
        _act(town, "一次性告知补正")
        assert town.locator("#case-status").inner_text() == "待补正"
        assert town.locator("#documents").get_by_text("补正材料一次性告知书").count() == 1
    with clock.frozen(dt.date(2013, 6, 5)):
        _upload_all_materials(town)
        _act(town, "受理")
        assert town.locator("#case-status").inner_text() == "已受理"
        assert town.locator("#documents").get_by_text("受理通知书").count() == 1
    with clock.frozen(dt.date(2013, 6, 7)):
        _act(town, "出具镇级审核意见", "经审核，双方均为独生子女，现有一个子女，符合第二十二条第（六）项")
        assert town.locator("#case-status").inner_text() == "镇级已出具意见"
    with clock.frozen(dt.date(2013, 6, 20)):
        city.goto(f"/cases/{number}/")
        # the rule's provision is proposed (checked) in the pick-list of provisions in force on the decision date
        proposed = city.locator('#basis-list input[value="js-pfp-reg-2002/art-22/item-6"]')
        assert proposed.is_checked()
        assert "第22条第6项" in city.locator("#basis-list").inner_text()
        city.fill('#basis-picker input[type="search"]', "许可决定")  # searching keeps the checked provision
        city.wait_for_timeout(800)
        assert "行政许可法" in city.locator("#basis-list").inner_text()
        assert city.locator('#basis-list input[value="js-pfp-reg-2002/art-22/item-6"]').is_checked()
        city.fill("#id_reasons", "双方均为独生子女，现有一个子女，符合规定")
        city.get_by_role("button", name="作出决定").click()
        city.wait_for_load_state()
        assert city.locator("#case-status").inner_text() == "准予许可"
        with city.expect_download() as info:
            city.locator("#documents a.doc-decision").click()
        pdf = open(info.value.path(), "rb").read()  # noqa: SIM115
        text = tools.pdftotext(pdf)
        assert "准予再生育决定书" in text and "王小红" in text and "太仓市人口和计划生育委员会" in text
        # the town-opinion clock shows how its due date was computed (端午节 2013 and make-up workdays)
        clock_box = city.locator("#clocks article", has_text="镇（街道）审核意见")
        clock_box.locator("summary").click()
        explanation = clock_box.locator("details ol").inner_text()
        assert "端午节" in explanation and "届满日：2013-06-17" in explanation
        assert "按期完成" in clock_box.inner_text()

    # a special case: blocked until the three records are attached
    with clock.frozen(dt.date(2013, 6, 3)):
        special = _register(town, wife2, husband2, special=True)
        _upload_all_materials(town)
        _act(town, "受理")
        _act(town, "出具镇级审核意见", "符合条件，属特殊情形")
        city.goto(f"/cases/{special}/")
        assert city.locator("#special-blocked").count() == 1
        assert city.get_by_role("button", name="作出决定").is_disabled()
        _act(city, "提交法制审核")
        legal.goto(f"/cases/{special}/")
        legal.get_by_role("button", name="进行法制审核").click()
        legal.wait_for_load_state()
        legal.get_by_label("同意", exact=True).check()
        legal.fill("#id_opinion", "主体合法，程序合法，依据正确，同意作出决定")
        legal.get_by_role("button", name="提交审核意见").click()
        legal.wait_for_load_state()
        assert legal.locator("#legal-reviews").get_by_text("法制审核意见书").count() == 1
        city.goto(f"/cases/{special}/")
        assert city.get_by_role("button", name="作出决定").is_disabled()
        assert "尚缺" in city.locator("#special-gate").inner_text()
        town.goto(f"/cases/{special}/")
        for i, label in enumerate(["领导集体讨论记录", "基层座谈会记录", "户籍地调查记录"]):
            form = town.locator("#materials form.inline-upload", has_text=label)
            form.locator("input[type=file]").set_input_files(_file(f"record{i}.pdf"))
            form.get_by_role("button", name="上传").click()
            town.wait_for_load_state()
        city.goto(f"/cases/{special}/")
        assert city.locator("#special-blocked").count() == 0
        city.fill("#id_reasons", "经集体讨论和法制审核，符合规定")
        city.get_by_role("button", name="作出决定").click()
        city.wait_for_load_state()
        assert city.locator("#case-status").inner_text() == "准予许可"
