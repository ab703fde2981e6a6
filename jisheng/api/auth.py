"""Bearer-token authentication for machine clients (contract §7): ``Authorization: Bearer TOKEN``.

A procedure's ``api.py`` declares ``TOKEN_SCOPE = "petitions"`` next to its ``router``; the API mounts that router
with :class:`ApiTokenAuth` for the scope (:mod:`jisheng.api.api`), so the procedure never imports this layer.
The operation then finds the :class:`~jisheng.api.models.ApiToken` in ``request.auth`` and acts as its service
account. No session and no cookie are read, so there is no CSRF check (a bearer token is not sent by a browser on
its own); the token is never logged.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer


class ApiTokenAuth(HttpBearer):
    """Accept an active token of ``scope``; otherwise ninja answers 401 (missing, malformed, unknown, revoked or
    another scope's token — all alike).

    A signed-in staff browser that sends no token is answered 403: the operation is for the machine client, not for
    staff sessions (the permission matrix checks that no role reaches it with a session).
    """

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> Any:
        value = request.headers.get(self.header) or ""
        scheme, _, token = value.strip().partition(" ")
        if not value:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                raise HttpError(403, "此接口只接受接口令牌（Authorization: Bearer TOKEN），不接受工作人员登录会话")
            return None
        if scheme.lower() != "bearer":
            return None  # never log the header: it may be the token itself
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """The :class:`~jisheng.api.models.ApiToken`, or None (→ 401)."""
        from .services import api_token_authenticate

        return api_token_authenticate(token, scope=self.scope)
