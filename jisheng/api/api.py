"""The HTTP API (``/api/v1/``), documented by its OpenAPI schema at ``/api/v1/openapi.json``.

Staff calls use the browser session (with CSRF); public calls need no sign-in; machine clients (the hotlines,
contract §7) send a bearer token of their scope (:mod:`jisheng.api.auth`). Each app adds a
router in its own ``api.py``; :func:`build_api` mounts the ones that exist.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from jisheng.core.api import api_scope

api = NinjaAPI(
    title="Jisheng API",
    version="1",
    urls_namespace="api",
    docs_url=None,
)


class HealthOut(Schema):
    status: str


class MeOut(Schema):
    username: str
    role: str
    area_code: str | None


@api.get("/public/health", response=HealthOut, auth=None, url_name="health")
@api_scope(public=True)
def health(request: HttpRequest) -> dict[str, str]:
    """Liveness check."""
    return {"status": "ok"}


@api.get("/me", response=MeOut, auth=django_auth, url_name="me")
@api_scope()
def me(request: HttpRequest) -> dict[str, str | None]:
    """The signed-in account's username, role and area code."""
    user = request.user
    return {"username": user.get_username(), "role": getattr(user, "role", ""),
            "area_code": user.area.code if getattr(user, "area", None) else None}  # type: ignore[union-attr]


def _mount_app_routers() -> None:
    """Mount each app's ``router`` at its ``PREFIX``; a module naming a ``TOKEN_SCOPE`` is mounted behind
    :class:`~jisheng.api.auth.ApiTokenAuth` for that scope (its operations set no ``auth`` of their own)."""
    import importlib

    from .auth import ApiTokenAuth

    for app in ("law", "registry", "cases", "licensing", "benefits", "petitions", "disclosure", "statistics"):
        try:
            module = importlib.import_module(f"jisheng.{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"jisheng.{app}.api":
                raise
            continue
        router = getattr(module, "router", None)
        if router is not None:
            prefix = getattr(module, "PREFIX", f"/{app}/")
            scope = getattr(module, "TOKEN_SCOPE", None)  # machine clients: bearer token of that scope
            if scope is None:
                api.add_router(prefix, router)
            else:
                api.add_router(prefix, router, auth=ApiTokenAuth(scope))


_mount_app_routers()
