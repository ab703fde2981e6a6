"""Reload the session's reference data after a transactional test's flush: the race tests run real threads, each on
its own database connection, so they need committed data, and pytest-django empties every table afterwards."""

from typing import Any

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    """After the flush of a test that asked for it (``request.node.reload_reference_data = django_db_blocker``, see
    ``test_races.committed_reference_data``): load the areas, address codes and demo villages again, as
    ``tests.fixtures.django_db_setup`` does once for the session."""
    result = yield
    blocker = getattr(item, "reload_reference_data", None)
    if blocker is not None and nextitem is not None:  # after the last test the test database is gone already
        from jisheng.core.areas import load_address_codes, load_areas
        from jisheng.core.demo import generate_villages

        with blocker.unblock():
            load_areas()
            load_address_codes()
            generate_villages(seed=1, county_code="320585")
    return result
