"""Nothing personal in logs (issue 11): an error whose text holds an ID number or a phone — a database's duplicate-key
detail in a 500's traceback — is written masked by the one text masker."""

from __future__ import annotations

import io
import logging

import pytest

from jisheng.core.logfilters import MaskPersonalData

NUMBER = "320585199001011234"


def _written(msg: str, *args: object, exc: BaseException | None = None) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(MaskPersonalData())
    logger = logging.getLogger("jisheng.tests.log_masking")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        if exc is None:
            logger.error(msg, *args)
        else:
            try:
                raise exc
            except BaseException:
                logger.exception(msg, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_an_integrity_error_detail_in_a_traceback_is_masked() -> None:
    detail = (f'duplicate key value violates unique constraint "registry_person_unique_living_id_number"\n'
              f"DETAIL:  Key (id_number)=({NUMBER}) already exists.")
    text = _written("Internal Server Error: %s", "/api/v1/registry/persons", exc=RuntimeError(detail))
    assert NUMBER not in text and "320585********1234" in text and "Traceback" in text


def test_messages_and_arguments_are_masked() -> None:
    text = _written("import of %s failed for 138 0013 8000", f"王小明_{NUMBER}.csv")
    assert NUMBER not in text and "13800138000" not in text.replace(" ", "")


@pytest.mark.parametrize("name", ["django.request", "jisheng"])
def test_the_console_handler_carries_the_filter(name: str) -> None:
    logger = logging.getLogger(name)
    handlers = logger.handlers or logging.getLogger().handlers
    assert any(isinstance(f, MaskPersonalData) for h in handlers for f in h.filters), name
