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


@register()
def check_document_fonts(app_configs: Any, **kwargs: Any) -> list[Error]:
    """core.E002: the vendored document fonts must be present and unchanged (docs/adr/0044).

    Without them WeasyPrint would fall back to whatever the machine has, or print empty boxes silently.
    """
    from . import fonts

    found = fonts.problems(full=False)
    if not found:
        return []
    return [Error(f"The fonts for official documents are not complete: {found[0]}"
                  + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""),
                  id="core.E002", hint="Run `jisheng fonts fetch` (make run and make test do it) — see docs/adr/0044.")]
