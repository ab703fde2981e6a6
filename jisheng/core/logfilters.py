"""Logging filters that keep personal data out of logs, and the error-report filter that keeps secrets out of
error pages."""

from __future__ import annotations

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

_QUERY = re.compile(r"\?[^\s\"]*")


class StripQueryString(logging.Filter):
    """Drop the query string from request log lines (search terms may hold names or ID numbers).

    ``"GET /registry/?q=320585199001011234 HTTP/1.1"`` is logged as ``"GET /registry/?… HTTP/1.1"``.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(_QUERY.sub("?…", a) if isinstance(a, str) else a for a in args)
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = _QUERY.sub("?…", record.msg)
        return True


class SecretsReporterFilter(SafeExceptionReporterFilter):
    """What Django's error reports (the DEBUG 500 page, error e-mails) hide: besides Django's names (KEY, SECRET,
    PASS, TOKEN…), every setting or environment variable that holds where a service is and how to sign in to it —
    ``DATABASE_URL`` and ``DATABASES``, any ``…_URL`` or ``…_DSN`` (the development server puts the process environment
    into each request's META), credentials and private keys."""

    hidden_settings = re.compile(
        r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE|_URL$|^URL$|DSN|CREDENTIAL|PRIVATE|AUTH_HEADER",
        flags=re.IGNORECASE)
