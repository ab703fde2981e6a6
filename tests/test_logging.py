"""Nothing personal in logs: request log lines lose their query strings."""

from __future__ import annotations

import logging

import pytest

from jisheng.core.logfilters import StripQueryString


def _format(msg: str, *args: object) -> str:
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, msg, args, None)
    assert StripQueryString().filter(record)
    return record.getMessage()


def test_runserver_access_lines_lose_search_terms() -> None:
    line = _format('"%s" %s %s', "GET /registry/?q=320585199001011234&status=alive HTTP/1.1", "200", "5120")
    assert line == '"GET /registry/?… HTTP/1.1" 200 5120'
    assert "320585199001011234" not in line


def test_messages_without_arguments_are_cleaned_too() -> None:
    assert _format("Not Found: /registry/?q=王小明") == "Not Found: /registry/?…"


@pytest.mark.parametrize("name", ["django.server", "django.request"])
def test_the_console_handler_of_request_loggers_carries_the_filter(name: str) -> None:
    logger = logging.getLogger(name)
    handlers = logger.handlers or logging.getLogger().handlers
    assert any(isinstance(f, StripQueryString) for h in handlers for f in h.filters), name
