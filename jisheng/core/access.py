"""Access helpers: route scope declarations and area-scoped lookups.

Every URL route declares who may use it with :func:`route_scope`; the permission-matrix test
(``tests/test_permission_matrix.py``) enumerates all routes and fails on one without a declaration.

Object-level access goes through each entity's ``<entity>_get_for_user`` in its app's ``access.py``,
built on :func:`get_in_scope_or_404`: a missing object and one outside the user's area look the same
(HTTP 404), so nobody learns that a record exists elsewhere.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

M = TypeVar("M", bound=Model)
ViewFunc = Callable[..., HttpResponseBase]


@dataclass(frozen=True)
class RouteScope:
    """Who may call a route.

    - ``public``: anyone, signed in or not (public portal, login page).
    - ``roles``: staff roles allowed (``None`` = every signed-in staff member).
    - ``obj``: the kind of protected object the route's URL names (e.g. ``"registry.person"``); the
      view must fetch it through that entity's access function. The permission-matrix test creates
      one object inside and one outside the user's area for each kind.
    - ``methods``: the HTTP methods the matrix test exercises.
    """

    public: bool = False
    roles: frozenset[str] | None = None
    obj: str | None = None
    methods: tuple[str, ...] = ("GET",)
    extra: dict[str, Any] = field(default_factory=dict)

    def allows_role(self, role: str | None) -> bool:
        """Return True when a signed-in user with ``role`` may call the route."""
        return self.public or self.roles is None or (role is not None and role in self.roles)


def route_scope(
    *,
    public: bool = False,
    roles: Iterable[str] | None = None,
    obj: str | None = None,
    methods: tuple[str, ...] = ("GET",),
) -> Callable[[ViewFunc], ViewFunc]:
    """Declare and enforce who may call a view.

    Non-public routes send anonymous users to the login page and answer 403 to staff whose role is
    not listed. Object scoping is the view's job (through the entity's access function).
    """
    scope = RouteScope(public=public, roles=frozenset(roles) if roles is not None else None, obj=obj,
                       methods=methods)

    def decorator(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not scope.public:
                user = request.user
                if not user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not scope.allows_role(getattr(user, "role", None)):
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.route_scope = scope  # type: ignore[attr-defined]
        return wrapped

    return decorator


def scopes_of(view: Callable[..., Any]) -> dict[str, RouteScope | None]:
    """Return ``{method: RouteScope or None}`` declared on a URL pattern's callback.

    Plain views and ``as_view()`` results give one entry under ``"*"``; a django-ninja path gives one
    entry per HTTP method of its operations (each operation must be decorated with ``api_scope``).
    """
    scope = getattr(view, "route_scope", None)
    if scope is None and hasattr(view, "view_class"):
        scope = getattr(view.view_class, "route_scope", None)
    if isinstance(scope, RouteScope):
        return {"*": scope}
    for cell in getattr(view, "__closure__", None) or ():
        path_view = cell.cell_contents
        operations = getattr(path_view, "operations", None)
        if operations is not None:
            found: dict[str, RouteScope | None] = {}
            for op in operations:
                op_scope = getattr(op.view_func, "route_scope", None)
                for method in op.methods:
                    found[method] = op_scope if isinstance(op_scope, RouteScope) else None
            return found
    return {"*": None}


def user_area_path(user: Any) -> str | None:
    """Return the materialised path of the user's area scope, or None when the user has no scope."""
    area = getattr(user, "area", None)
    return area.path if area is not None else None


def in_scope(queryset: QuerySet[M], user: Any, *, area_field: str = "area") -> QuerySet[M]:
    """Filter ``queryset`` to the records inside the user's area subtree (nothing without a scope).

    ``area_field`` is the lookup path from the model to its :class:`~jisheng.core.models.Area`.
    """
    path = user_area_path(user)
    if path is None or not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(**{f"{area_field}__path__startswith": path})


def get_in_scope_or_404(queryset: QuerySet[M], user: Any, *, area_field: str = "area", **lookup: Any) -> M:
    """Return the one object matching ``lookup`` inside the user's scope; Http404 if missing or outside.

    Raises:
        Http404: the object does not exist, or exists outside the user's area (indistinguishable).
    """
    try:
        return in_scope(queryset, user, area_field=area_field).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def require(condition: bool) -> None:
    """Raise PermissionDenied unless ``condition`` holds (for capability checks inside views)."""
    if not condition:
        raise PermissionDenied


def area_get_for_user(user: Any, code: str) -> Any:
    """Return the :class:`~jisheng.core.models.Area` with ``code`` inside the user's scope.

    Raises:
        Http404: no such area, or it lies outside the user's area.
    """
    from .models import Area

    path = user_area_path(user)
    if path is None:
        raise Http404
    try:
        return Area.objects.get(code=code, path__startswith=path)
    except Area.DoesNotExist:
        raise Http404 from None
