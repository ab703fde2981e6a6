"""Under DEBUG the technical 500 page never shows where the database is or how to sign in to it (issue 11): the
development server hands the process environment to every request, so ``DATABASE_URL`` (user, password, host) was
printed in the page's request data, and the ``DATABASES`` setting named the host and user."""

from __future__ import annotations

import sys
from typing import Any

from django.test import RequestFactory
from django.views.debug import technical_500_response


def _boom() -> None:
    raise RuntimeError("boom")


def _debug_page(request: Any) -> str:
    """The technical 500 page of ``request`` (the page shows these lines of source, so no secret is written here)."""
    try:
        _boom()
    except RuntimeError:
        response = technical_500_response(request, *sys.exc_info())
    return response.content.decode()


# (kept away from the lines above: the page quotes the source around each frame)
#
#
#
#
#
PASSWORD = "s3cr3t" + "-pw"
HOST = "db.internal" + ".example"


def test_a_debug_error_page_hides_the_database_url_and_the_database_settings(settings: Any) -> None:
    from django.views.debug import get_default_exception_reporter_filter

    settings.DEBUG = True
    settings.CACHE_URL = f"redis://jisheng:{PASSWORD}@{HOST}:6379/0"  # any other ..._URL setting
    safe = get_default_exception_reporter_filter().get_safe_settings()
    assert safe["DATABASES"] == "********************"  # host, user, name: all hidden
    assert HOST not in str(safe["CACHE_URL"])
    # the development server's WSGI environ holds the process environment
    request = RequestFactory().get("/registry/", DATABASE_URL=f"postgres://jisheng:{PASSWORD}@{HOST}:5432/jisheng",
                                   JISHENG_VAR_DIR="/srv/jisheng/var", SENTRY_DSN="https://key@sentry.example/1",
                                   REDIS_URL="redis://:pw@cache.example:6379/0")
    page = _debug_page(request)
    for secret in (PASSWORD, HOST, "sentry.example", "cache.example"):
        assert secret not in page, secret
    assert "DATABASE_URL" in page and "boom" in page  # the page itself still helps the developer
