"""The petition panel offers each handling step to whoever may take it, now that the engine's generic forms stay
off the page for petitions (``steps_in_panel``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from jisheng.accounts.models import User
from jisheng.petitions import services
from jisheng.petitions.models import Petition
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_an_accepted_petition_offers_the_first_opinion_to_the_clerk_only(
        clerk: User, leader: User, receive: Callable[..., Petition]) -> None:
    petition = receive(dt.date(2026, 11, 2))
    url = f"/cases/{petition.case.number}/"
    assert 'id="opinion-form"' not in login(Client(), clerk).get(url).content.decode()  # not accepted yet
    services.petition_accept(petition, actor=clerk, on=dt.date(2026, 11, 3))
    page = login(Client(), clerk).get(url).content.decode()
    assert 'id="opinion-form"' in page and "出具信访处理意见书" in page
    assert 'id="opinion-form"' not in login(Client(), leader).get(url).content.decode()  # no petitions.decide
    response = login(Client(), clerk).post(f"/petitions/{petition.case.number}/opinion/", {
        "outcome": "support", "facts": "属实", "reasons": "符合条件", "on": "2026-11-16",
        "provision_keys": ["petition-work-reg-2022/art-32"]})
    assert response.status_code == 302
    petition.case.refresh_from_db()
    assert petition.case.status == "answered"
    assert 'id="opinion-form"' not in login(Client(), clerk).get(url).content.decode()
