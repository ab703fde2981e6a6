"""System checks of the core app (ids ``core.E…`` / ``core.W…``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_secret_key_from_environment(app_configs: Any, **kwargs: Any) -> list[Error]:
    """core.E001: in production the secret key must come from the environment."""
    key = settings.SECRET_KEY
    if key.startswith(("local-only-", "test-only-")) and not settings.DEBUG:
        return [Error("DJANGO_SECRET_KEY is a development placeholder", id="core.E001",
                      hint="Set DJANGO_SECRET_KEY in the environment to 50+ random characters.")]
    return []
