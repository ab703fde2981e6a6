"""Logging filters that keep personal data out of logs, and the error-report filter that keeps secrets out of
error pages."""

from __future__ import annotations

import contextlib
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


class MaskPersonalData(logging.Filter):
    """Mask ID numbers and phone numbers (contract §3, :func:`jisheng.core.masking.mask_text`) in every log line: the
    message with its arguments, and the traceback of an exception — a database's duplicate-key detail names the full
    ID number (``Key (id_number)=(320585…)``), and a 500 logs it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        from .masking import mask_text

        # arguments that do not fit the message are left for logging to report
        with contextlib.suppress(TypeError, ValueError):
            record.msg, record.args = mask_text(record.getMessage()), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True
