"""Audit sign-ins, sign-outs and failed sign-ins (the username only, never the password)."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from jisheng.core import audit
from jisheng.core.middleware import client_ip
from jisheng.core.models import AuditAction


def _request_context(actor: Any, request: Any) -> contextlib.AbstractContextManager[audit.AuditContext]:
    """The request's audit context naming ``actor`` (None: nobody, for a failed sign-in).

    Like :func:`audit.acting`, it keeps the client address and request id that ``RequestContextMiddleware``
    set, so the sign-in is one of the request's events; unlike it, ``actor`` None names nobody rather than
    whoever the context named. A signal sent outside the middleware (a test's ``force_login``, a script calling
    ``login()``) takes the address from the request it was given.
    """
    here = audit.current()
    ip = here.ip or (client_ip(request) if request is not None else None)
    return audit.context(actor=actor, ip=ip, request_id=here.request_id or None)


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with _request_context(user, request):
        audit.record(AuditAction.LOGIN, object_type="accounts.user", object_id=user.pk, object_label=user.username,
                     area_id=getattr(user, "area_id", None))


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    with _request_context(user, request):
        audit.record(AuditAction.LOGOUT, object_type="accounts.user", object_id=user.pk, object_label=user.username,
                     area_id=getattr(user, "area_id", None))


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    with _request_context(None, request):
        audit.record(AuditAction.LOGIN_FAILED, object_type="accounts.user", object_label=username)
