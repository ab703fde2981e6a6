from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix
from django.utils.translation import get_language

from . import modules

#: Each module's navigation entry per (module, language, script prefix), with the module it was made from.
_ENTRIES: dict[tuple[int, str | None, str], tuple[modules.Module, dict[str, Any]]] = {}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Put the modules the signed-in user may see (:func:`~.modules.modules_for`, asked on every request) into every
    template as ``nav_modules``: ``url``, ``label`` and ``available`` of each, in navigation order.

    A module's entry is worked out once per language (a URL reverse and a label translation) instead of on every
    staff page.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_modules": []}
    language, prefix = get_language(), get_script_prefix()
    return {"nav_modules": [_entry(m, language, prefix) for m in modules.modules_for(user)]}


def _entry(module: modules.Module, language: str | None, prefix: str) -> dict[str, Any]:
    key = (id(module), language, prefix)
    cached = _ENTRIES.get(key)
    if cached is None or cached[0] is not module:  # a module registered again is worked out again
        cached = _ENTRIES[key] = (module, {"url": module.url(), "label": str(module.label),
                                           "available": module.available})
    return cached[1]
