"""Route scope declarations for API operations (the API twin of :func:`jisheng.core.access.route_scope`)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError

from jisheng.core.access import RouteScope


def api_scope(
    *, public: bool = False, roles: Iterable[str] | None = None, obj: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare and enforce who may call an API operation: 401 when not signed in, 403 for other roles.

    Object scoping is the operation's job (through the entity's access function, which gives 404).
    """
    scope = RouteScope(public=public, roles=frozenset(roles) if roles is not None else None, obj=obj)

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not scope.public:
                if not request.user.is_authenticated:
                    raise HttpError(401, "not signed in")
                if not scope.allows_role(getattr(request.user, "role", None)):
                    raise HttpError(403, "not allowed for this role")
            return func(request, *args, **kwargs)

        wrapped.route_scope = scope  # type: ignore[attr-defined]
        return wrapped

    return decorator
