"""The public petition pages (issue 12, deliverable 1): the web form without sign-in (honeypot, rate limit, one
petition per form however often it is sent), the tracking code shown once and never in an address, the tracking
page (status, masked reply, the web reply received on first view, one satisfaction rating), the portal's links, and
the other public pages still without cookies."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jisheng.core import clock
from jisheng.petitions import public, selectors
from jisheng.petitions.models import FollowUp, Petition, PetitionReply, WebSubmission

from .conftest import at
from .test_browser import (  # noqa: F401 - fixtures
    SHOTS,
    _reference_after_module,
    browser,
    citizen_page,
    fill_web_form,
    live_reference,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)
FORM = "/portal/petitions/"
TRACK = "/portal/petitions/track/"
TOWN = "320585100000"  # 城厢镇
NAME, PHONE, ID_NUMBER = "周晓梅", "13912345678", "320585199001011235"


def _key() -> str:
    return public.new_key()


def _fields(**overrides: str) -> dict[str, str]:
    data = {"name": NAME, "phone": PHONE, "id_number": "", "town": TOWN, "subject": "独生子女父母奖励未发放",
            "content": "本人2019年起未领到独生子女父母奖励，请求核实补发。", "consent": "on", "key": _key(),
            "website": ""}
    data.update(overrides)
    return data


def _code_of(response: Any) -> str:
    match = re.search(r'<output id="tracking-code">([A-Z0-9]+)</output>', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def _no_store(response: Any) -> bool:
    return "no-store" in response["Cache-Control"]


# --- the form ------------------------------------------------------------------------------------------------------

def test_the_form_asks_without_sign_in_lists_the_towns_and_is_never_cached() -> None:
    visitor = Client()
    response = visitor.get(FORM)
    page = response.content.decode()
    assert response.status_code == 200 and _no_store(response) and not response.has_header("ETag")
    assert settings.CSRF_COOKIE_NAME in response.cookies and "csrfmiddlewaretoken" in page  # a POST form
    assert f'<option value="{TOWN}">城厢镇</option>' in page and "娄东街道" in page
    assert 'name="key"' in page and re.search(r'name="key" value="[A-Za-z0-9_-]{22}"', page)
    # the honeypot is hidden by the stylesheet (no inline style: the CSP forbids it), out of the tab order
    assert '<div class="hp" aria-hidden="true">' in page and 'name="website"' in page and 'tabindex="-1"' in page
    assert "style=" not in page and "petitions/public.css" in page
    css = (settings.BASE_DIR / "jisheng/petitions/static/petitions/public.css").read_text()
    assert re.search(r"\.hp \{[^}]*left: -10000px", css)
    for label in ("姓名", "联系电话", "身份证号（选填）", "事项所在镇（街道）", "标题", "诉求内容", "提交前请阅读"):
        assert label in page


def test_a_submission_is_received_and_its_code_shown_in_the_answer_never_in_an_address(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    visitor = Client()
    visitor.get(FORM)
    with clock.frozen(at(DAY, 10)):
        response = visitor.post(FORM, _fields(id_number=ID_NUMBER))
    assert response.status_code == 200 and _no_store(response) and not response.has_header("Location")
    code = _code_of(response)
    petition = Petition.objects.get()
    assert petition.tracking_code == code and petition.channel == "web" and petition.reply_channel == "web"
    assert petition.order_no.startswith("W-") and petition.concerned_area is not None
    assert petition.concerned_area.code == TOWN
    assert petition.case.application_date == DAY and petition.case.area.code == "320585"
    party = petition.case.applicants.get()
    assert (party.name, party.phone, party.id_number) == (NAME, PHONE, ID_NUMBER)
    page = response.content.decode()
    assert "请抄写、拍照或截图保存这个查询码" in page
    addresses = re.findall(r'(?:href|action|src)="([^"]*)"', page)
    assert addresses and not [a for a in addresses if code in a]
    assert code not in caplog.text and NAME not in caplog.text and PHONE not in caplog.text
    assert WebSubmission.objects.count() == 1
    stored = WebSubmission.objects.get().client
    assert re.fullmatch(r"[0-9a-f]{64}", stored) and "127.0.0.1" not in stored


def test_invalid_input_shows_the_form_again_and_stores_nothing() -> None:
    response = Client().post(FORM, _fields(phone="123", id_number="320585199001011234", consent="", town="999"))
    page = response.content.decode()
    assert response.status_code == 200 and _no_store(response)
    assert "请填写 11 位手机号码或带区号的固定电话。" in page and "校验码应为" in page
    assert Petition.objects.count() == 0 and WebSubmission.objects.count() == 0
    assert Client().post(FORM, {}).status_code == 200 and Petition.objects.count() == 0


def test_a_landline_with_its_area_code_is_accepted() -> None:
    response = Client().post(FORM, _fields(phone="0512-53521234"))
    assert response.status_code == 200 and Petition.objects.get().case.applicants.get().phone == "0512-53521234"


def test_a_forged_or_missing_key_records_nothing_and_offers_a_fresh_key() -> None:
    response = Client().post(FORM, _fields(key="../../etc"))
    page = response.content.decode()
    assert "表单已失效" in page and Petition.objects.count() == 0
    fresh = re.search(r'name="key" value="([^"]+)"', page)
    assert fresh and re.fullmatch(r"[A-Za-z0-9_-]{22}", fresh.group(1))
    assert 'value="周晓梅"' in page  # what was typed is kept


def test_a_filled_honeypot_is_answered_as_accepted_and_nothing_is_stored(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="jisheng.petitions.public")
    response = Client().post(FORM, _fields(website="http://spam.example/"))
    assert response.status_code == 200 and _no_store(response)
    code = _code_of(response)
    assert len(code) == 12 and selectors.petition_by_tracking_code(code) is None
    assert Petition.objects.count() == 0 and WebSubmission.objects.count() == 0
    assert "hidden field was filled in" in caplog.text
    assert NAME not in caplog.text and PHONE not in caplog.text and "spam.example" not in caplog.text


def test_a_double_click_records_one_petition_and_shows_the_same_code() -> None:
    visitor = Client()
    data = _fields()
    first = visitor.post(FORM, data)
    second = visitor.post(FORM, data)
    assert _code_of(first) == _code_of(second)
    assert Petition.objects.count() == 1 and WebSubmission.objects.count() == 1
    assert Client().post(FORM, _fields()).status_code == 200 and Petition.objects.count() == 2  # a new form


def test_submissions_over_the_limit_get_a_clear_429_page_until_the_window_has_passed(
        settings: Any) -> None:
    settings.JISHENG = {**settings.JISHENG, "PETITION_WEB_LIMIT": (2, 3600)}
    visitor = Client()
    with clock.frozen(at(DAY, 10)):
        sent = _fields()
        first = visitor.post(FORM, sent)
        visitor.post(FORM, _fields())
        again = visitor.post(FORM, sent)
        refused = visitor.post(FORM, _fields())
    assert first.status_code == 200 and again.status_code == 200  # a form already sent still shows its code
    assert refused.status_code == 429 and _no_store(refused)
    assert "从您的网络提交的信访事项过多，请一小时后再提交。" in refused.content.decode()
    assert Petition.objects.count() == 2
    other = Client(REMOTE_ADDR="10.0.0.9")  # another client is counted apart
    with clock.frozen(at(DAY, 10)):
        assert other.post(FORM, _fields()).status_code == 200
    with clock.frozen(at(DAY, 11)):  # the window (an hour) has passed
        assert visitor.post(FORM, _fields()).status_code == 200
    assert Petition.objects.count() == 4


# --- the tracking page ---------------------------------------------------------------------------------------------

@pytest.fixture
def web_petition() -> Petition:
    with clock.frozen(at(DAY, 10)):
        Client().post(FORM, _fields(id_number=ID_NUMBER))
    return Petition.objects.get()


def _reply(petition: Petition, text: str, *, channel: str = "web", sent_on: dt.date = DAY) -> PetitionReply:
    """A reply as the clerk's reply service files it (the tracking page only reads it)."""
    from jisheng.core import audit

    with audit.acting(None):
        return PetitionReply.objects.create(petition=petition, round="original", text=text, sent_on=sent_on,
                                            channel=channel)


def _not_found_text(response: Any) -> str:
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'name="code"[^>]*value="[^"]*"', 'name="code"', page)


def test_the_tracking_page_takes_the_code_by_post_and_shows_the_status(web_petition: Petition) -> None:
    visitor = Client()
    empty = visitor.get(TRACK)
    assert empty.status_code == 200 and _no_store(empty) and "csrfmiddlewaretoken" in empty.content.decode()
    with clock.frozen(at(DAY + dt.timedelta(days=1))):
        response = visitor.post(TRACK, {"code": web_petition.tracking_code.lower()[:6] + " - "
                                        + web_petition.tracking_code.lower()[6:]})
    page = response.content.decode()
    assert response.status_code == 200 and _no_store(response)
    assert '<dd id="status-label">已登记</dd>' in page and "2026-03-02" in page
    assert '<dd id="conclusion-due">受理后确定</dd>' in page
    assert "尚未答复" in page
    assert NAME not in page and PHONE not in page and ID_NUMBER not in page  # nothing about the person
    assert web_petition.case.number not in page  # nor the internal case number


def test_once_accepted_the_conclusion_due_date_is_shown(web_petition: Petition, make_user: Any, county: Any) -> None:
    from jisheng.accounts.roles import Role
    from jisheng.petitions import services

    with clock.frozen(at(DAY + dt.timedelta(days=1))):
        services.petition_accept(web_petition, actor=make_user(Role.PETITION_CLERK, county))
        page = Client().post(TRACK, {"code": web_petition.tracking_code}).content.decode()
    due = selectors.public_status(web_petition)["conclusion_due"]
    assert due is not None and due > DAY + dt.timedelta(days=60)
    assert f'<dd id="conclusion-due">{due.isoformat()}</dd>' in page and '<dd id="status-label">已受理</dd>' in page


def test_an_unknown_and_a_malformed_code_get_the_same_not_found(web_petition: Petition) -> None:
    visitor = Client()
    unknown = visitor.post(TRACK, {"code": "ABCDEFGHJKMN"})
    malformed = visitor.post(TRACK, {"code": "0O1I"})
    assert unknown.status_code == malformed.status_code == 200
    assert str(public.NOT_FOUND) in unknown.content.decode()
    assert _not_found_text(unknown) == _not_found_text(malformed)
    # both misses counted now (the submission's own row, made on the petition's day, may already be pruned)
    assert WebSubmission.objects.filter(at=clock.now()).count() == 2


def test_failed_lookups_are_limited_per_client(web_petition: Petition, settings: Any) -> None:
    settings.JISHENG = {**settings.JISHENG, "PETITION_LOOKUP_LIMIT": (3, 3600)}
    visitor = Client()
    with clock.frozen(at(DAY, 11)):
        for _i in range(3):
            assert visitor.post(TRACK, {"code": "ABCDEFGHJKMN"}).status_code == 200
        refused = visitor.post(TRACK, {"code": web_petition.tracking_code})  # even the right one, for now
        assert refused.status_code == 429 and "查询码输错的次数过多" in refused.content.decode()
        assert _no_store(refused) and "已登记" not in refused.content.decode()
        assert Client(REMOTE_ADDR="10.0.0.9").post(TRACK, {"code": web_petition.tracking_code}).status_code == 200
        # right codes are not counted: only misses are
        for _i in range(5):
            assert Client(REMOTE_ADDR="10.0.0.8").post(TRACK, {"code": web_petition.tracking_code}).status_code == 200
    with clock.frozen(at(DAY, 12)):
        assert visitor.post(TRACK, {"code": web_petition.tracking_code}).status_code == 200


def test_the_reply_is_shown_masked_and_a_web_reply_is_received_on_first_view(web_petition: Petition) -> None:
    text = (f"{NAME}：您反映的奖励问题已核实，2019年至2025年奖励共计{7 * 960}元已补发。"
            f"经办电话 139 1234 5678，身份证号{ID_NUMBER}的账户已登记。咨询请致电0512-53521234。")
    reply = _reply(web_petition, text)
    visitor = Client()
    with clock.frozen(at(DAY + dt.timedelta(days=3))):
        page = visitor.post(TRACK, {"code": web_petition.tracking_code}).content.decode()
    assert "139****5678" in page.replace(" ", "") or "139 **** 5678" in page
    assert ID_NUMBER not in page and "320585********1235" in page
    assert "13912345678" not in page.replace(" ", "") and "53521234" not in page
    assert NAME not in page and "周**" in page
    assert "答复日期：2026-03-02" in page and "6720元已补发" in page
    reply.refresh_from_db()
    assert reply.received_on == DAY + dt.timedelta(days=3)
    with clock.frozen(at(DAY + dt.timedelta(days=9))):  # seen again later: the first day stays
        visitor.post(TRACK, {"code": web_petition.tracking_code})
    reply.refresh_from_db()
    assert reply.received_on == DAY + dt.timedelta(days=3)


def test_a_reply_sent_by_post_is_not_marked_received_by_a_view(web_petition: Petition) -> None:
    reply = _reply(web_petition, "已答复。", channel="letter")
    Client().post(TRACK, {"code": web_petition.tracking_code})
    reply.refresh_from_db()
    assert reply.received_on is None


def test_one_satisfaction_rating_per_reply(web_petition: Petition) -> None:
    _reply(web_petition, "已答复。")
    visitor = Client()
    code = web_petition.tracking_code
    page = visitor.post(TRACK, {"code": code}).content.decode()
    assert 'id="rating-form"' in page and "基本满意" in page
    assert f'<input type="hidden" name="code" value="{code}">' in page  # in the body, never in an address
    with clock.frozen(at(DAY + dt.timedelta(days=4))):
        rated = visitor.post(TRACK, {"code": code, "result": "basically"}).content.decode()
    assert "感谢您的评价" in rated and "您的评价：基本满意" in rated and 'id="rating-form"' not in rated
    follow_up = FollowUp.objects.get()
    assert (follow_up.result, follow_up.recorded_by, follow_up.on) == ("basically", None,
                                                                          DAY + dt.timedelta(days=4))
    second = visitor.post(TRACK, {"code": code, "result": "dissatisfied"}).content.decode()
    assert "这次答复已经评价过" in second and "您的评价：基本满意" in second
    assert FollowUp.objects.get().result == "basically"
    web_petition.refresh_from_db()
    assert not web_petition.supervisor_flag


# --- the portal and the other public pages -------------------------------------------------------------------------

def test_the_portal_home_links_to_the_form_and_the_tracking_page() -> None:
    response = Client().get("/portal/")
    page = response.content.decode()
    for name in ("petitions_public:form", "petitions_public:track"):
        assert f'href="{reverse(name)}"' in page
    assert not response.cookies and "public" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/portal/", "/portal/self-check/", "/portal/leaflets/"])
def test_the_other_public_pages_still_set_no_cookie(url: str) -> None:
    visitor = Client()
    visitor.get(FORM)  # the form page sets the CSRF cookie for its own POST …
    response = Client().get(url)  # … a visitor who never opened it gets none anywhere else
    assert response.status_code == 200 and not response.cookies and "public" in response["Cache-Control"]


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_the_pages_answer_in_the_portals_three_languages(language: str) -> None:
    """The pages follow the language cookie and offer the portal's switch (繁體 included), whose way back is the
    page's own address: no code in it."""
    visitor = Client()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in (FORM, TRACK):
        page = visitor.get(url).content.decode()
        assert f'<html lang="{language}"' in page
        others = {"zh-hans", "zh-hant", "en"} - {language}
        for other in others:
            assert f'href="/portal/lang/{other}/?next={url}"' in page


# --- in the browser, phone-sized ----------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_form_and_the_tracking_page_on_a_phone(live_reference: None, live_server: Any,  # noqa: F811
                                                   browser: Any) -> None:  # noqa: F811
    """390 px wide (a phone), no JavaScript needed: the form fits without sideways scrolling and hides the
    honeypot; the code shown after submitting is in no address the browser asked for; the tracking page shows the
    reply. Screenshots go to /tmp/h/shots/ (portal-petition-*.png)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = citizen_page(browser, live_server)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(FORM)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("#id_website").bounding_box()
    assert box is not None and box["x"] + box["width"] < 0  # out of sight
    page.screenshot(path=str(SHOTS / "portal-petition-form-390.png"), full_page=True)
    fill_web_form(page, name=NAME, phone=PHONE, town="城厢镇", subject="独生子女父母奖励未发放",
                  content="本人2019年起未领到独生子女父母奖励，请求核实补发。")
    code = page.locator("#tracking-code").inner_text()
    assert selectors.petition_by_tracking_code(code) == Petition.objects.get()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "portal-petition-done-390.png"), full_page=True)

    _reply(Petition.objects.get(), f"{NAME}：您反映的问题已核实，奖励已于3月补发。如有疑问请致电 0512-53521234。",
           sent_on=clock.today())
    page.locator("#petition-done").get_by_role("button", name="办理进度查询").click()
    page.fill("#id_code", code.lower())
    page.get_by_role("button", name="查询", exact=True).click()
    page.wait_for_selector("#petition-status")
    assert page.locator("#status-label").inner_text() == "已登记"
    reply = page.locator("#petition-reply").inner_text()
    assert "奖励已于3月补发" in reply and "周**" in reply and "0512-****1234" in reply and NAME not in reply
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "portal-petition-track-390.png"), full_page=True)
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("#petition-rating")
    assert "您的评价：满意" in page.locator("#petition-rating").inner_text()
    assert asked and not [url for url in asked if code in url.upper()]

    desktop = citizen_page(browser, live_server, width=1280, height=900)
    desktop.goto(FORM)
    desktop.screenshot(path=str(SHOTS / "portal-petition-form-1280.png"), full_page=True)


def test_counted_requests_are_kept_no_longer_than_a_day() -> None:
    """The limit's rows (a keyed digest of the address and a time) are deleted once a day old, as new ones arrive."""
    import datetime as dt

    from jisheng.core import clock
    from jisheng.petitions import public
    from jisheng.petitions.models import WebSubmission

    start = dt.datetime(2026, 11, 16, 9, tzinfo=clock.CST)
    with clock.frozen(start):
        public.count_request("a" * 64)
    with clock.frozen(start + dt.timedelta(hours=23)):
        public.count_request("b" * 64)
    assert WebSubmission.objects.count() == 2
    with clock.frozen(start + dt.timedelta(days=1, minutes=1)):
        public.count_request("c" * 64)
    assert sorted(WebSubmission.objects.values_list("client", flat=True)) == ["b" * 64, "c" * 64]
