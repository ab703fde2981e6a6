from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix
from django.utils.translation import get_language

from . import modules

#: The navigation entries already worked out, per (modules, role, active, language, script prefix): the entries
#: depend on nothing else, and the modules are kept in the key so that their ids stay theirs while cached.
_NAV: dict[tuple[Any, ...], tuple[tuple[modules.Module, ...], list[dict[str, Any]]]] = {}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Put the modules the signed-in user may see into every template as ``nav_modules``: ``url``, ``label`` and
    ``available`` of each, in navigation order.

    Which modules a user sees depends only on the role (and whether the account is active); the entries are built
    once per role and language (a reverse and a translation per module) instead of on every page.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_modules": []}
    every = tuple(modules.all_modules())
    key = (tuple(id(m) for m in every), getattr(user, "role", None), getattr(user, "is_active", None),
           get_language(), get_script_prefix())
    cached = _NAV.get(key)
    if cached is None:
        cached = _NAV[key] = (every, [{"url": m.url(), "label": str(m.label), "available": m.available}
                                      for m in modules.modules_for(user)])
    return {"nav_modules": cached[1]}
