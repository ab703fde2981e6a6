from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import modules


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Put the modules the signed-in user may see into every template as ``nav_modules``."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_modules": []}
    return {"nav_modules": modules.modules_for(user)}
