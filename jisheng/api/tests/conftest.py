"""The race tests here run real threads on committed data (PostgreSQL): reload the session's reference data after
each such test's flush, as the registry's race tests do (``request.node.reload_reference_data``)."""

from jisheng.registry.tests.conftest import pytest_runtest_teardown

__all__ = ["pytest_runtest_teardown"]
