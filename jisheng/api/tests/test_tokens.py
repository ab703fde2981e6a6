"""API tokens (contract §7): ``jisheng api-token create|revoke|list`` and the bearer check behind the hotline API."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from jisheng.accounts.models import User
from jisheng.api.auth import ApiTokenAuth
from jisheng.api.models import ApiToken
from jisheng.api.services import api_token_authenticate, api_token_create, api_token_revoke
from jisheng.core import clock
from jisheng.core.errors import Conflict, InvalidInput, NotPermitted
from jisheng.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_the_pages_day() -> Iterator[None]:
    """These tests are about pages and answers, not dates: they run on 2026-11-16 (their data's day) whatever
    day the suite runs on (``JISHENG_TEST_CLOCK``); the dated rules are re-run on other days by their own tests."""
    with clock.frozen(dt.date(2026, 11, 16)):
        yield


def _cli(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _create(name: str = "12345-platform") -> str:
    out, _ = _cli("create", "--name", name, "--scope", "petitions")
    return out.strip()


def test_create_prints_the_token_alone_once_and_stores_only_its_digest() -> None:
    out, err = _cli("create", "--name", "12345-platform", "--scope", "petitions")
    raw = out.strip()
    assert out == raw + "\n" and len(raw) >= 43  # token_urlsafe(32): 43 characters, nothing else on stdout
    assert "只显示这一次" in err and raw not in err

    token = ApiToken.objects.get(name="12345-platform")
    assert token.scope == "petitions" and token.revoked_at is None
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:8]
    assert raw not in {getattr(token, f.attname) for f in ApiToken._meta.concrete_fields}

    account = token.account
    assert account.role == "petition_clerk" and account.area.code == "320585" and account.is_active
    assert not account.has_usable_password()
    assert account.display_name == "接口令牌：12345-platform"

    created = AuditEvent.objects.get(object_type="api.apitoken", action="create")
    assert "digest" not in created.changes["after"] and raw not in str(created.changes)
    assert created.changes["after"]["name"] == "12345-platform" and created.changes["after"]["prefix"] == raw[:8]


def test_a_second_token_gets_its_own_value_and_service_account() -> None:
    first, second = _create("12345-platform"), _create("12356-hotline")
    assert first != second
    accounts = set(ApiToken.objects.values_list("account_id", flat=True))
    assert len(accounts) == 2


@pytest.mark.parametrize(("args", "message"), [
    (("create", "--name", "x", "--scope", "registry"), "未知的权限范围 'registry'"),
    (("create", "--name", "  ", "--scope", "petitions"), "名称不能为空"),
    (("revoke", "--name", "nobody"), "没有名为 nobody 的有效令牌"),
])
def test_bad_input_exits_2_naming_the_problem(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError) as info:
        _cli(*args)
    assert info.value.returncode == 2
    assert message in str(info.value)
    assert not ApiToken.objects.exists() and not User.objects.filter(username__startswith="api-").exists()


def test_a_name_in_use_is_refused_until_the_token_is_revoked() -> None:
    first = _create("12345-platform")
    with pytest.raises(CommandError) as info:
        _cli("create", "--name", "12345-platform", "--scope", "petitions")
    assert info.value.returncode == 2 and "已有名为 12345-platform 的有效令牌" in str(info.value)
    assert ApiToken.objects.count() == 1

    out, _ = _cli("revoke", "--name", "12345-platform")
    assert "已于 2026-11-16 09:00 吊销" in out
    old = ApiToken.objects.get(name="12345-platform")
    assert old.revoked_at == clock.now() and not old.account.is_active
    assert api_token_authenticate(first, scope="petitions") is None

    second = _create("12345-platform")  # the name is free again; the new token works, the old one still not
    assert api_token_authenticate(second, scope="petitions") is not None
    assert api_token_authenticate(first, scope="petitions") is None
    with pytest.raises(CommandError) as info:
        _cli("revoke", "--name", "nobody-else")
    assert info.value.returncode == 2


def test_list_shows_names_scopes_prefixes_and_use_never_the_token() -> None:
    raw = _create("12345-platform")
    _create("old-line")
    _cli("revoke", "--name", "old-line")
    api_token_authenticate(raw, scope="petitions")
    out, _ = _cli("list")
    lines = out.splitlines()
    assert lines[0].split("\t") == ["name", "scope", "prefix", "created", "last_used", "revoked"]
    name, scope, prefix, _created, last_used, revoked = lines[1].split("\t")  # created: the database's own time
    assert [name, scope, prefix, last_used, revoked] == ["12345-platform", "petitions", raw[:8], "2026-11-16 09:00",
                                                         "-"]
    assert lines[2].startswith("old-line\tpetitions\t") and lines[2].endswith("\t2026-11-16 09:00")
    assert raw not in out
    active, _ = _cli("list", "--active")
    assert "old-line" not in active and "12345-platform" in active


def test_the_token_is_checked_whole_and_for_its_scope() -> None:
    raw = _create()
    token = api_token_authenticate(raw, scope="petitions")
    assert token is not None and token.name == "12345-platform"
    assert api_token_authenticate(raw[:8] + "x" * (len(raw) - 8), scope="petitions") is None  # prefix alone
    assert api_token_authenticate(raw + "x", scope="petitions") is None
    assert api_token_authenticate(raw, scope="registry") is None
    assert api_token_authenticate("", scope="petitions") is None
    assert api_token_authenticate("x" * 1000, scope="petitions") is None


def test_last_used_is_written_at_most_once_a_minute() -> None:
    raw = _create()
    start = clock.now()
    api_token_authenticate(raw, scope="petitions")
    assert ApiToken.objects.get().last_used_at == start
    with clock.frozen(start + dt.timedelta(seconds=59)):
        api_token_authenticate(raw, scope="petitions")
    assert ApiToken.objects.get().last_used_at == start
    with clock.frozen(start + dt.timedelta(seconds=60)):
        api_token_authenticate(raw, scope="petitions")
    assert ApiToken.objects.get().last_used_at == start + dt.timedelta(seconds=60)
    # using a token is not a change of the record: no audit event per call
    assert AuditEvent.objects.filter(object_type="api.apitoken", action="update").count() == 0


def test_only_administrators_manage_tokens(make_user: Any, county: Any) -> None:
    clerk = make_user("petition_clerk", county)
    admin = make_user("city_admin", county)
    with pytest.raises(NotPermitted):
        api_token_create(name="x", scope="petitions", actor=clerk)
    token, _raw = api_token_create(name="x", scope="petitions", actor=admin)
    assert token.created_by == admin and token.account.area == county
    with pytest.raises(NotPermitted):
        api_token_revoke(name="x", actor=clerk)
    assert api_token_revoke(name="x", actor=admin).revoked_by == admin
    with pytest.raises(Conflict):
        api_token_create(name="y", scope="petitions", actor=admin)
        api_token_create(name="y", scope="petitions", actor=admin)
    with pytest.raises(InvalidInput) as info:
        api_token_create(name="z" * 65, scope="petitions", actor=admin)
    assert info.value.location == "name"


def test_the_bearer_check_answers_none_for_anything_but_a_valid_bearer_token(make_user: Any, county: Any) -> None:
    raw = _create()
    auth = ApiTokenAuth("petitions")
    factory = RequestFactory()

    def call(header: str | None, user: Any = None) -> Any:
        request = factory.get("/api/v1/petitions/work-orders/x", **({"HTTP_AUTHORIZATION": header} if header else {}))
        if user is not None:
            request.user = user
        return auth(request)

    assert call(f"Bearer {raw}").name == "12345-platform"
    assert call(f"bearer   {raw}  ").name == "12345-platform"
    for header in (None, raw, f"Basic {raw}", f"Token {raw}", "Bearer ", f"Bearer {raw}x"):
        assert call(header) is None, header
    # a signed-in staff browser without a token is told this is not for sessions (403), not asked to sign in
    from ninja.errors import HttpError

    with pytest.raises(HttpError) as info:
        call(None, user=make_user("petition_clerk", county))
    assert info.value.status_code == 403
    assert call(f"Bearer {raw}", user=make_user("petition_clerk", county)).name == "12345-platform"
