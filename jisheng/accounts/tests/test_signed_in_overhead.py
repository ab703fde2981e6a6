"""Signed-in requests without fixed overhead (issue 17): no session write per request, no device read per request.

A signed-in ``GET /healthz`` reads the session and the user and nothing else; the session's expiry is pushed only
once the last push is ``JISHENG_SESSION_REFRESH_AFTER`` old, and a session idle for longer than
``SESSION_COOKIE_AGE`` still ends; a device deleted, unconfirmed or given away still ends the verified session on
the next request, as with django_otp's own middleware.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from jisheng.accounts import middleware
from jisheng.accounts.middleware import REFRESHED_KEY
from jisheng.accounts.models import StaffSession as Session
from jisheng.accounts.models import User
from jisheng.accounts.roles import Role
from jisheng.core.models import Area
from tests.conftest import login

pytestmark = pytest.mark.django_db

_TABLE = re.compile(r'\b(?:FROM|UPDATE|INTO|JOIN)\s+"?([a-z_0-9]+)"?', re.IGNORECASE)


def _statements(ctx: CaptureQueriesContext) -> list[tuple[str, str]]:
    """``(verb, first table)`` of each captured statement, savepoints left out."""
    out = []
    for query in ctx.captured_queries:
        sql = query["sql"].strip()
        verb = sql.split(None, 1)[0].upper()
        if verb in {"SAVEPOINT", "RELEASE", "ROLLBACK"}:
            continue
        table = _TABLE.search(sql)
        out.append((verb, table.group(1) if table else ""))
    return out


def _get(client: Client, path: str) -> tuple[Any, list[tuple[str, str]]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    return response, _statements(ctx)


_WALL_START = 1_800_000_000.0  # any fixed real time: the middleware measures idle time on the real clock
_now = [_WALL_START]


@pytest.fixture(autouse=True)
def _fixed_wall_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fix the real clock the session middleware reads at ``_WALL_START``; :func:`_at` moves it."""
    _now[0] = _WALL_START
    monkeypatch.setattr(middleware, "wall_seconds", lambda: _now[0])


@contextlib.contextmanager
def _at(minutes: float) -> Iterator[None]:
    """Move the real clock to ``minutes`` after the test's start, for the block."""
    before = _now[0]
    _now[0] = _WALL_START + minutes * 60
    try:
        yield
    finally:
        _now[0] = before


@pytest.fixture
def admin(county: Area, make_user: Callable[..., User]) -> User:
    return make_user(Role.CITY_ADMIN, county)


@pytest.fixture
def officer(town_a: Area, make_user: Callable[..., User]) -> User:
    return make_user(Role.TOWN_OFFICER, town_a)


def test_healthz_answers_ok_as_plain_text_without_queries_or_cookies() -> None:
    client = Client()
    response, statements = _get(client, "/healthz")
    assert (response.status_code, response.content, response["Content-Type"]) == (
        200, b"ok", "text/plain; charset=utf-8")
    assert statements == []
    assert not response.cookies


@pytest.mark.parametrize("who", ["admin", "officer"])
def test_a_signed_in_healthz_reads_the_session_with_its_account_in_one_statement(who: str, request: Any) -> None:
    """Verified administrator and plain town officer alike: one SELECT (session joined to its account), no session
    UPDATE, no device query, no write."""
    user = request.getfixturevalue(who)
    client = login(Client(), user)
    assert client.get("/healthz").status_code == 200  # the first request after sign-in may stamp the session
    for _ in range(3):
        response, statements = _get(client, "/healthz")
        assert (response.status_code, response.content) == (200, b"ok")
        assert statements == [("SELECT", "accounts_staffsession")]
    # and a staff page is served (the second factor, where needed, is still counted as given)
    response, statements = _get(client, reverse("core:workbench"))
    assert response.status_code == 200
    assert not [s for s in statements if s[0] in {"INSERT", "UPDATE", "DELETE"} or s[1].startswith("otp_")]


def test_the_session_expiry_is_pushed_only_after_the_threshold(officer: User) -> None:
    client = login(Client(), officer)
    assert settings.JISHENG_SESSION_REFRESH_AFTER == 5 * 60 and not settings.SESSION_SAVE_EVERY_REQUEST
    client.get("/healthz")
    key = client.session.session_key
    with _at(4):
        _, statements = _get(client, "/healthz")
    assert ("UPDATE", "accounts_staffsession") not in statements
    assert client.session[REFRESHED_KEY] == _WALL_START
    before = Session.objects.get(session_key=key).expire_date
    with _at(6):
        response, statements = _get(client, "/healthz")
    assert response.status_code == 200
    assert statements.count(("UPDATE", "accounts_staffsession")) == 1
    assert client.session[REFRESHED_KEY] == _WALL_START + 6 * 60
    assert Session.objects.get(session_key=key).expire_date >= before
    with _at(7):  # pushed a minute ago: no write again
        _, statements = _get(client, "/healthz")
    assert ("UPDATE", "accounts_staffsession") not in statements


def test_an_active_session_lives_on_and_an_idle_one_ends_after_two_hours(officer: User) -> None:
    client = login(Client(), officer)
    workbench = reverse("core:workbench")
    assert client.get(workbench).status_code == 200
    with _at(110):  # 1 h 50 min later: still signed in, the expiry moves on
        assert client.get(workbench).status_code == 200
    with _at(110 + 115):  # 1 h 55 min after that request: still signed in
        assert client.get(workbench).status_code == 200
    key = client.session.session_key
    with _at(110 + 115 + 121):  # idle for 2 h 1 min: the session has ended
        response = client.get(workbench)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not Session.objects.filter(session_key=key).exists()


def test_a_stale_session_without_a_refresh_stamp_is_stamped_once(officer: User) -> None:
    """Sessions opened before the stamp existed (or by ``force_login``) are stamped on their next request."""
    client = Client()
    client.force_login(officer)
    assert REFRESHED_KEY not in client.session
    _, statements = _get(client, "/healthz")
    assert statements.count(("UPDATE", "accounts_staffsession")) == 1
    assert client.session[REFRESHED_KEY] == _WALL_START


def test_signing_in_stamps_the_session(officer: User) -> None:
    officer.set_password("a-long-test-password")
    officer.save()
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": officer.username,
                                                       "password": "a-long-test-password"})
    assert response.status_code == 302
    assert client.session[REFRESHED_KEY] == _WALL_START
    _, statements = _get(client, "/healthz")
    assert not [s for s in statements if s[0] in {"INSERT", "UPDATE", "DELETE"}]


@pytest.mark.parametrize("revoke", ["delete", "queryset delete", "unconfirm", "give away"])
def test_a_revoked_device_ends_the_verified_session_on_the_next_request(revoke: str, admin: User,
                                                                         county: Area, make_user: Any) -> None:
    client = login(Client(), admin)
    workbench = reverse("core:workbench")
    assert client.get(workbench).status_code == 200
    assert client.get(workbench).status_code == 200  # remembered: no device read
    stale_admin = User.objects.get(pk=admin.pk)  # read before the revocation, saved after it
    device = TOTPDevice.objects.get(user=admin)
    if revoke == "delete":
        device.delete()
    elif revoke == "queryset delete":
        TOTPDevice.objects.filter(user=admin).delete()
    elif revoke == "unconfirm":
        device.confirmed = False
        device.save()
    else:
        device.user = make_user(Role.CITY_ADMIN, county)
        device.save()
    stale_admin.display_name = "改名"
    stale_admin.save()  # must not put the old generation back
    assert User.objects.get(pk=admin.pk).display_name == "改名"
    response = client.get(workbench)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_setup")


def test_an_authenticator_enrolled_later_is_asked_for_in_a_session_that_remembered_none(officer: User) -> None:
    client = login(Client(), officer)
    workbench = reverse("core:workbench")
    assert client.get(workbench).status_code == 200
    _, statements = _get(client, workbench)
    assert not [s for s in statements if s[1].startswith("otp_")]  # "no device" is remembered too
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    assert client.get(workbench)["Location"] == reverse("accounts:otp_verify")


def test_signing_out_forgets_the_second_factor(admin: User) -> None:
    client = login(Client(), admin)
    assert client.get(reverse("core:workbench")).status_code == 200
    client.post(reverse("accounts:logout"))
    client.force_login(admin)  # the password again, but no code
    assert client.get(reverse("core:workbench"))["Location"] == reverse("accounts:otp_verify")


def test_a_device_revoked_while_its_code_is_accepted_is_not_remembered(admin: User,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A revocation that lands between the code check (which saves the device) and the session's stamp must not be
    stamped as verified: the generation read after it would match, and no later request would read the device."""
    from django_otp.oath import totp

    from jisheng.accounts import otp

    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client = Client()
    client.force_login(admin)
    real_login = otp.otp_login

    def login_then_revoked(request: Any, dev: Any) -> None:
        real_login(request, dev)
        TOTPDevice.objects.filter(pk=dev.pk).delete()  # an administrator revokes it at this moment

    monkeypatch.setattr(otp, "otp_login", login_then_revoked)
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post(reverse("accounts:otp_verify"), {"token": token}).status_code == 302
    response = client.get(reverse("core:workbench"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_setup")
