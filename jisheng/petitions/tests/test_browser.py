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
