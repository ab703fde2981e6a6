"""Logging filters that keep personal data out of logs."""

from __future__ import annotations

import logging
import re

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
