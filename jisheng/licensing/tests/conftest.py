"""Reuse the project-wide fixtures; restore reference data after the browser test's flush."""

from typing import Any

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    """After a browser test's flush: recreate the audit triggers (SQLite) and reload reference data."""
    result = yield
    blocker = getattr(item, "reload_reference_data", None)
    if blocker is not None:
        import importlib

        from django.db import connection

        from jisheng.core.areas import load_address_codes, load_areas
        from jisheng.core.demo import generate_villages

        with blocker.unblock():
            if connection.vendor == "sqlite":
                migration = importlib.import_module("jisheng.core.migrations.0002_audit_append_only")
                with connection.cursor() as cursor:
                    for sql in migration.SQLITE_TRIGGERS:
                        cursor.execute(sql)
            load_areas()
            load_address_codes()
            generate_villages(seed=1, county_code="320585")
    return result
