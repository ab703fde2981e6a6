"""The project-wide fixtures live in tests/fixtures.py, loaded for every test by the root conftest.py.

``login`` is re-exported here because tests import it as ``tests.conftest.login``.
"""

from tests.fixtures import login

__all__ = ["login"]
