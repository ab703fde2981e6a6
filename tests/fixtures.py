"""Shared fixtures: the suite's clock, reference areas loaded once per test session, staff users per role and area."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from jisheng.accounts.middleware import second_factor_required
from jisheng.accounts.models import User
from jisheng.core import clock
from jisheng.core.areas import load_address_codes, load_areas
from jisheng.core.demo import generate_villages
from jisheng.core.models import Area

#: The day the whole suite runs on unless ``JISHENG_TEST_CLOCK=YYYY-MM-DD`` says otherwise: no test depends on
#: the real date. A test that needs another day freezes ``core.clock`` inside this one (``clock.frozen`` nests).
SUITE_TODAY = dt.date(2026, 11, 16)


def suite_today() -> dt.date:
    """The suite's "today": ``JISHENG_TEST_CLOCK`` when set (tests/test_clock_boundaries.py sets it), else
    :data:`SUITE_TODAY`."""
    value = os.environ.get("JISHENG_TEST_CLOCK")
    return dt.date.fromisoformat(value) if value else SUITE_TODAY


@pytest.fixture(autouse=True)
def _suite_clock() -> Iterator[None]:
    """Freeze ``core.clock`` at :func:`suite_today` (09:00 CST) for every test."""
    with clock.frozen(suite_today()):
        yield


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the site's default language (Simplified Chinese): a request with another language's
    cookie activates that language in the test's thread (``LocaleMiddleware``) and would otherwise leave it active
    for the tests after it, whose texts (clock labels, messages) would then be stored or compared in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load the real area tree, address codes and demo villages once for the whole session."""
    with django_db_blocker.unblock():
        load_areas()
        load_address_codes()
        generate_villages(seed=1, county_code="320585")


@pytest.fixture
def county(db: Any) -> Area:
    return Area.objects.get(code="320585")


@pytest.fixture
def town_a(db: Any) -> Area:
    return Area.objects.get(code="320585100000")  # 城厢镇


@pytest.fixture
def town_b(db: Any) -> Area:
    return Area.objects.get(code="320585110000")  # 沙溪镇


@pytest.fixture
def village_a(town_a: Area) -> Area:
    return Area.objects.filter(parent=town_a).order_by("code").first()  # type: ignore[return-value]


@pytest.fixture
def village_b(town_b: Area) -> Area:
    return Area.objects.filter(parent=town_b).order_by("code").first()  # type: ignore[return-value]


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = iter(range(10_000))

    def make(role: str, area: Area, **kwargs: Any) -> User:
        return User.objects.create(username=f"{role}-{next(counter)}", role=role, area=area, **kwargs)

    return make


def login(client: Client, user: User) -> Client:
    """Sign ``user`` in on ``client``, passing the second factor when the role requires it."""
    client.force_login(user)
    if second_factor_required(user):
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def staff_client(make_user: Callable[..., User]) -> Callable[[str, Area], Client]:
    def make(role: str, area: Area) -> Client:
        return login(Client(), make_user(role, area))

    return make
