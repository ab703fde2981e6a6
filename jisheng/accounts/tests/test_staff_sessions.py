"""The staff session store (accounts.sessions): the session and its account in one statement, and every check
Django makes on the account still made on the row read that way (docs/adr/0053)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from jisheng.accounts.models import StaffSession, User
from jisheng.accounts.roles import Role
from jisheng.core.models import Area

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture
def officer(town_a: Area, make_user: Callable[..., User]) -> User:
    user = make_user(Role.TOWN_OFFICER, town_a)
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(user: User) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def _signed_out(response: Any) -> bool:
    return response.status_code == 302 and reverse("accounts:login") in response["Location"]


def _fields(user: User) -> dict[str, Any]:
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_the_session_row_names_its_account_from_sign_in_to_sign_out(officer: User) -> None:
    client = _sign_in(officer)
    key = client.session.session_key
    assert StaffSession.objects.get(session_key=key).user_id == officer.pk
    client.post(reverse("accounts:logout"))
    assert not StaffSession.objects.filter(session_key=key).exists()


def test_the_account_read_with_the_session_equals_the_account_read_alone(officer: User) -> None:
    """Same values and Python types as the ORM gives (SQLite returns dates as text and booleans as integers)."""
    client = _sign_in(officer)
    response = client.get(reverse("core:workbench"))
    assert response.status_code == 200
    user = response.wsgi_request.user
    fresh = User.objects.get(pk=officer.pk)
    assert _fields(user) == _fields(fresh)
    assert {k: type(v) for k, v in _fields(user).items()} == {k: type(v) for k, v in _fields(fresh).items()}
    assert user.is_active is True and user.last_login is not None and user.last_login.tzinfo is not None
    with CaptureQueriesContext(connection) as ctx:
        area = user.area  # read with the session: no query
    assert ctx.captured_queries == []
    fresh_area = Area.objects.get(pk=officer.area_id)
    area_fields = {f.attname: getattr(area, f.attname) for f in Area._meta.concrete_fields}
    assert area_fields == {f.attname: getattr(fresh_area, f.attname) for f in Area._meta.concrete_fields}
    assert {k: type(v) for k, v in area_fields.items()} == {
        f.attname: type(getattr(fresh_area, f.attname)) for f in Area._meta.concrete_fields}


def test_an_account_without_an_area_reads_none_without_a_query(make_user: Callable[..., User]) -> None:
    user = make_user(Role.TOWN_OFFICER, None)
    client = Client()
    client.force_login(user)
    response = client.get("/healthz")
    with CaptureQueriesContext(connection) as ctx:
        assert response.wsgi_request.user.area is None
    assert ctx.captured_queries == []


def test_a_signed_in_request_reads_the_account_only_with_the_session(officer: User) -> None:
    client = _sign_in(officer)
    client.get("/healthz")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("core:workbench"))
    assert response.status_code == 200
    # a read of an account row itself (Django's auth re-reading the signed-in account), not a page's join to an
    # account named by its data (e.g. the officer a petition complains about)
    user_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "accounts_user"' in q["sql"]
                  and "accounts_staffsession" not in q["sql"]]
    assert user_reads == []


def test_a_deactivated_account_is_signed_out_on_the_next_request(officer: User) -> None:
    client = _sign_in(officer)
    assert client.get(reverse("core:workbench")).status_code == 200
    User.objects.filter(pk=officer.pk).update(is_active=False)  # no signal, no save: the row itself says so
    assert _signed_out(client.get(reverse("core:workbench")))


def test_a_password_changed_elsewhere_ends_the_session(officer: User) -> None:
    client = _sign_in(officer)
    assert client.get(reverse("core:workbench")).status_code == 200
    other = User.objects.get(pk=officer.pk)
    other.set_password("another-long-test-password")
    other.save()
    assert _signed_out(client.get(reverse("core:workbench")))


@override_settings(JISHENG_DEMO_ACCOUNTS=False)
def test_a_demo_account_session_ends_when_demo_accounts_are_off(officer: User) -> None:
    with override_settings(JISHENG_DEMO_ACCOUNTS=True):
        User.objects.filter(pk=officer.pk).update(is_demo=True)
        client = _sign_in(officer)
        assert client.get(reverse("core:workbench")).status_code == 200
    assert _signed_out(client.get(reverse("core:workbench")))


def test_deleting_an_account_deletes_its_sessions(town_a: Area, make_user: Callable[..., User]) -> None:
    user = make_user(Role.TOWN_OFFICER, town_a)
    client = Client()
    client.force_login(user)
    key = client.session.session_key
    assert StaffSession.objects.filter(session_key=key, user_id=user.pk).exists()
    user.delete()
    assert not StaffSession.objects.filter(session_key=key).exists()


def test_the_account_is_the_one_the_session_data_names_whatever_the_column_says(
        officer: User, county: Area, make_user: Callable[..., User]) -> None:
    """The column only saves a read; a row whose column disagrees with the signed session data (edited in the
    database) is not trusted: the account is read by the id in the data."""
    other = make_user(Role.CITY_ADMIN, county)
    client = _sign_in(officer)
    key = client.session.session_key
    StaffSession.objects.filter(session_key=key).update(user_id=other.pk)
    response = client.get(reverse("core:workbench"))
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == officer.pk
    assert client.session[SESSION_KEY] == str(officer.pk)


def test_an_expired_session_signs_nobody_in(officer: User) -> None:
    client = _sign_in(officer)
    StaffSession.objects.filter(session_key=client.session.session_key).update(
        expire_date=StaffSession.objects.get(session_key=client.session.session_key).expire_date.replace(year=2000))
    assert _signed_out(client.get(reverse("core:workbench")))
