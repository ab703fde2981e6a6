"""What an assigned town sees of a petition on its inbox, its assignment page and its workbench: the same rule as
the assignment sheet (:func:`jisheng.petitions.documents.identity_withheld`) — a petition naming one of the town's
officers is a complaint about the town, so no colleague there learns who complained — and no party's name (the
petitioner's or a representative's) in full in the subject, the content or the instruction
(``petition-reg-2005/art-23``; ``petition-work-reg-2022/art-30/para-3``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from django.test import Client

from jisheng.accounts.models import User
from jisheng.accounts.roles import Role
from jisheng.core import clock
from jisheng.core.models import Area
from jisheng.petitions import services
from jisheng.petitions.models import Petition
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_the_pages_day() -> Iterator[None]:
    """These tests are about pages and answers, not dates: they run on 2026-11-16 (their data's day) whatever
    day the suite runs on (``JISHENG_TEST_CLOCK``); the dated rules are re-run on other days by their own tests."""
    with clock.frozen(dt.date(2026, 11, 16)):
        yield


def _assign(petition: Petition, clerk: User, town: Area, instruction: str = "请核实") -> int:
    services.petition_accept(petition, actor=clerk, on=dt.date(2026, 11, 3))
    return services.petition_assign(petition, area=town, due=dt.date(2026, 11, 25), instruction=instruction,
                                    actor=clerk).pk


def test_a_colleague_of_the_named_officer_never_sees_who_complained(
        clerk: User, officer_a: User, make_user: Callable[..., User], receive: Callable[..., Petition],
        town_a: Area) -> None:
    named = make_user(Role.TOWN_OFFICER, town_a)
    petition = receive(dt.date(2026, 11, 2), complained_user=named)
    pk = _assign(petition, clerk, town_a)
    client = login(Client(), officer_a)
    html = client.get(f"/petitions/assignments/{pk}/").content.decode()
    for secret in ("王**", "王小红", "138****0000", "13800000000"):
        assert secret not in html, secret
    assert "不提供信访人身份信息" in html


def test_no_party_name_reaches_the_town_in_full(clerk: User, officer_b: User, receive: Callable[..., Petition],
                                                town_b: Area) -> None:
    petition = receive(dt.date(2026, 11, 2), subject="王小红等反映奖励未发放", group_size=3,
                       content="王小红、赵大山、钱多多三人反映奖励未发放。",
                       representatives=[{"name": "赵大山", "phone": "13900000001"},
                                        {"name": "钱多多", "phone": "13900000002"}])
    pk = _assign(petition, clerk, town_b, instruction="请联系赵大山核实")
    client = login(Client(), officer_b)
    pages = {url: client.get(url).content.decode()
             for url in ("/petitions/assignments/", f"/petitions/assignments/{pk}/", "/")}
    for url, html in pages.items():
        for secret in ("王小红", "赵大山", "钱多多"):
            assert secret not in html, (url, secret)
    assert "赵**" in pages[f"/petitions/assignments/{pk}/"]


def test_who_does_not_handle_the_petition_reads_its_texts_masked_as_the_parties(
        clerk: User, leader: User, make_user: Callable[..., User], receive: Callable[..., Petition],
        county: Area) -> None:
    petition = receive(dt.date(2026, 11, 2), content="王小红（13800000000）与赵大山反映奖励未发放。", group_size=2,
                       representatives=[{"name": "赵大山", "phone": "13900000001"}])
    services.petition_accept(petition, actor=clerk, on=dt.date(2026, 11, 3))
    services.petition_give_opinion(petition, outcome="support", facts="王小红符合条件", reasons="赵大山所述属实",
                                   provision_keys=["petition-work-reg-2022/art-32"], actor=clerk,
                                   on=dt.date(2026, 11, 10))
    services.petition_send_reply(petition, text="王小红：经核实予以补发。", channel="visit", on=dt.date(2026, 11, 12),
                                 actor=clerk)
    url = f"/cases/{petition.case.number}/"
    for reader in (leader, make_user(Role.AUDITOR, county)):
        panel = _panel(login(Client(), reader).get(url).content.decode())
        for secret in ("王小红", "赵大山", "13800000000"):
            assert secret not in panel, (reader.role, secret)
        assert "王**（138****0000）与赵**" in panel and "王**：经核实予以补发。" in panel
    panel = _panel(login(Client(), clerk).get(url).content.decode())
    assert "王小红（13800000000）与赵大山" in panel and "王小红：经核实予以补发。" in panel


def _panel(html: str) -> str:
    """The petition panel of a case page (its sections nest one level)."""
    start = html.index('<section id="petition-panel">')
    end = html.index("</section>\n</section>", start)
    return html[start:end]
