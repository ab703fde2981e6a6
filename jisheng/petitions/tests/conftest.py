"""Petition fixtures: a clerk at the receiving county, town officers, a leader, and a way to receive a petition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from jisheng.accounts.models import User
from jisheng.accounts.roles import Role
from jisheng.core import clock
from jisheng.core.models import Area
from jisheng.petitions import services
from jisheng.petitions.models import Petition
from jisheng.registry.tests.conftest import pytest_runtest_teardown  # reload reference data after race tests

__all__ = ["pytest_runtest_teardown"]

TZ = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    """``day`` at ``hour`` o'clock China time (aware)."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


@pytest.fixture
def clerk(make_user: Callable[..., User], county: Area) -> User:
    return make_user(Role.PETITION_CLERK, county)


@pytest.fixture
def leader(make_user: Callable[..., User], county: Area) -> User:
    return make_user(Role.LEADER, county)


@pytest.fixture
def officer_a(make_user: Callable[..., User], town_a: Area) -> User:
    return make_user(Role.TOWN_OFFICER, town_a)


@pytest.fixture
def officer_b(make_user: Callable[..., User], town_b: Area) -> User:
    return make_user(Role.TOWN_OFFICER, town_b)


@pytest.fixture
def receive(clerk: User) -> Callable[..., Petition]:
    """Receive a petition on ``on`` (the clock frozen that day) as the clerk; keyword arguments override."""

    def make(on: dt.date, **kwargs: Any) -> Petition:
        fields: dict[str, Any] = {
            "channel": "visit", "received_at": at(on), "subject": "独生子女父母奖励未发放",
            "content": "本人2019年起未领到独生子女父母奖励，请求核实补发。",
            "petitioner": {"name": "王小红", "phone": "13800000000"}, "actor": clerk}
        fields.update(kwargs)
        with clock.frozen(at(on, 10)):
            petition, created = services.petition_receive(**fields)
        assert created
        return petition

    return make
