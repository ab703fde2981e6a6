"""Writes on API tokens: create (the token is returned once), revoke, and the check made on every API call.

Administrators manage tokens (``jisheng api-token``; a command-line caller acts as the system, ``actor=None``). A
token is ``secrets.token_urlsafe(32)`` (256 random bits); only its SHA-256 digest is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from jisheng.accounts.models import User
from jisheng.accounts.roles import Role
from jisheng.accounts.services import staff_create
from jisheng.core import audit, clock
from jisheng.core.errors import Conflict, InvalidInput, NotPermitted
from jisheng.core.models import Area

from .models import ApiScope, ApiToken

#: ``last_used_at`` is written at most this often per token (one UPDATE a minute, not one a call).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class ScopeAccount:
    """The role and area setting of the service account a token of one scope acts through."""

    role: str
    area_setting: str


#: Each scope's service account: petitions — a petition clerk at the commission receiving web and API intake
#: (``JISHENG["PETITIONS_AREA_CODE"]``, by default the demo county).
SCOPE_ACCOUNTS: dict[str, ScopeAccount] = {
    ApiScope.PETITIONS: ScopeAccount(role=Role.PETITION_CLERK, area_setting="PETITIONS_AREA_CODE"),
}


def token_digest(raw: str) -> str:
    """The SHA-256 hex digest of a token as stored (64 characters)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _scope_area(scope: str) -> Area:
    config: dict[str, Any] = getattr(settings, "JISHENG", {})
    setting = SCOPE_ACCOUNTS[scope].area_setting
    code = config.get(setting) or config.get("DEMO_COUNTY_CODE", "320585")
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise InvalidInput(f"找不到区划代码为 {code} 的地区（设置 JISHENG[{setting!r}]），请先运行 jisheng bootstrap",
                           location="scope")
    return area


def _check_manager(actor: User | None) -> None:
    if actor is not None and not actor.has_capability("accounts.manage"):
        raise NotPermitted("只有管理员可以管理接口令牌")


@transaction.atomic
def api_token_create(*, name: str, scope: str, actor: User | None) -> tuple[ApiToken, str]:
    """Create a token named ``name`` for ``scope`` and return ``(token row, the token itself)``.

    The token itself exists only in the return value: show it once, it cannot be read back. A service account
    (unusable password, the scope's role and area, see :data:`SCOPE_ACCOUNTS`) is made for the token.
    ``actor`` None is the command line (the system).

    Raises:
        InvalidInput: empty or over-long name (location ``name``); unknown scope (location ``scope``).
        Conflict: a token not revoked already has this name (location ``name``).
        NotPermitted: ``actor`` may not manage accounts (``accounts.manage``).
    """
    _check_manager(actor)
    name = name.strip()
    if not name:
        raise InvalidInput("名称不能为空", location="name")
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise InvalidInput("名称不能超过64个字符", location="name")
    if scope not in SCOPE_ACCOUNTS:
        known = "、".join(sorted(SCOPE_ACCOUNTS))
        raise InvalidInput(f"未知的权限范围 {scope!r}（可用：{known}）", location="scope")
    if ApiToken.objects.filter(name=name, revoked_at__isnull=True).exists():
        raise Conflict(f"已有名为 {name} 的有效令牌；先吊销它再创建", location="name")
    area = _scope_area(scope)
    raw, prefix = "", ""
    while not prefix or ApiToken.objects.filter(prefix=prefix).exists():
        raw = secrets.token_urlsafe(32)
        prefix = raw[:ApiToken.PREFIX_LENGTH]
    with audit.acting(actor):
        account = staff_create(username=f"api-{prefix}", password=None, role=SCOPE_ACCOUNTS[scope].role, area=area,
                               display_name=f"接口令牌：{name}"[:64], actor=actor)
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(name=name, scope=scope, prefix=prefix, digest=token_digest(raw),
                                                account=account, created_by=actor)
        except IntegrityError:  # the same name created at the same moment by another administrator
            raise Conflict(f"已有名为 {name} 的有效令牌；先吊销它再创建", location="name") from None
    return token, raw


@transaction.atomic
def api_token_revoke(*, name: str, actor: User | None) -> ApiToken:
    """Revoke the token named ``name`` that is not revoked yet: it is refused from the next call on, and its service
    account is deactivated. The row stays (audit trail, ``jisheng api-token list``); the name can be used again.

    Raises:
        InvalidInput: no token of that name is active (location ``name``).
        NotPermitted: ``actor`` may not manage accounts.
    """
    _check_manager(actor)
    token = (ApiToken.objects.select_for_update().select_related("account")
             .filter(name=name.strip(), revoked_at__isnull=True).first())
    if token is None:
        raise InvalidInput(f"没有名为 {name} 的有效令牌", location="name")
    with audit.acting(actor):
        token.revoked_at = clock.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        token.account.is_active = False
        token.account.save(update_fields=["is_active"])
    return token


def api_token_authenticate(raw: str, *, scope: str) -> ApiToken | None:
    """The active token of ``scope`` whose value is ``raw``, with its service account loaded; None otherwise
    (unknown, revoked, another scope, an inactive account). The digest is compared in constant time.

    Marks the token used (``last_used_at``, without an audit event) when it was last marked a minute ago or more.
    """
    if not raw or len(raw) > 256:
        return None
    prefix = raw[:ApiToken.PREFIX_LENGTH]
    token = (ApiToken.objects.select_related("account", "account__area")
             .filter(prefix=prefix, revoked_at__isnull=True).first())
    if token is None or not hmac.compare_digest(token.digest, token_digest(raw)):
        return None
    if token.scope != scope or not token.account.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # not a change of the record: no audit
        token.last_used_at = now
    return token
