"""Phone layout of the shell (390 px wide, Debian's chromium): the header wraps as a whole instead of
squeezing its buttons into one character per line.

The page is rendered by the test client and laid out with the real stylesheets injected (no live server,
so no transactional flush of the session's reference data).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jisheng.accounts.roles import Role
from jisheng.core.models import Area

from . import tools
from .conftest import login

ROOT = Path(settings.BASE_DIR)
STYLES = [ROOT / "jisheng/core/static/vendor/pico/pico.min.css", ROOT / "jisheng/core/static/jisheng/app.css"]


def _header_boxes(page: Any, html: str) -> dict[str, Any]:
    page.set_content(html.replace('<script src="/static/vendor/htmx/htmx.min.js" defer></script>', ""))
    for css in STYLES:
        page.add_style_tag(content=css.read_text("utf-8"))
    return page.evaluate("""() => ({
        width: document.documentElement.scrollWidth,
        items: [...document.querySelectorAll('header.site nav button, header.site nav a')].map(e => {
            const r = e.getBoundingClientRect();
            return {text: e.textContent.trim(), height: r.height, right: r.right,
                    lineHeight: parseFloat(getComputedStyle(e).lineHeight) || 24};
        }),
    })""")


def _assert_no_squeezed_header(boxes: dict[str, Any]) -> None:
    assert boxes["width"] <= 390
    for item in boxes["items"]:
        if len(item["text"]) <= 16:  # buttons and short links stay on one line
            assert item["height"] < 2 * item["lineHeight"] + 16, item
        assert item["right"] <= 390, item


@pytest.mark.django_db
def test_portal_and_staff_headers_fit_a_phone_in_every_language(town_a: Area, make_user: Any) -> None:
    """The portal in the three languages and the workbench, laid out in one browser.

    Every page is rendered before the browser starts: while Playwright's sync API runs, Django would hand
    this thread a different database connection (outside the test's transaction), so no database call
    may happen inside the ``sync_playwright`` block.
    """
    from playwright.sync_api import sync_playwright

    pages = []
    for language in ("zh-hans", "en", "zh-hant"):
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        pages.append(client.get(reverse("portal:home")).content.decode())
    client = login(Client(), make_user(Role.TOWN_OFFICER, town_a, first_name="华明", last_name="龙"))
    pages.append(client.get(reverse("core:workbench")).content.decode())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=tools.chromium(), args=tools.CHROMIUM_ARGS)
        try:
            phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            for html in pages:
                _assert_no_squeezed_header(_header_boxes(phone, html))
        finally:
            browser.close()
