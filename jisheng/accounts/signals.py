"""Audit sign-ins, sign-outs and failed sign-ins (the username only, never the password)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from jisheng.core import audit
from jisheng.core.middleware import client_ip
from jisheng.core.models import AuditAction


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with audit.context(actor=user, ip=client_ip(request) if request else None):
        audit.record(AuditAction.LOGIN, object_type="accounts.user", object_id=user.pk, object_label=user.username,
                     area_id=getattr(user, "area_id", None))


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    with audit.context(actor=user, ip=client_ip(request) if request else None):
        audit.record(AuditAction.LOGOUT, object_type="accounts.user", object_id=user.pk, object_label=user.username,
                     area_id=getattr(user, "area_id", None))


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    with audit.context(actor=None, ip=client_ip(request) if request else None):
        audit.record(AuditAction.LOGIN_FAILED, object_type="accounts.user", object_label=username)
