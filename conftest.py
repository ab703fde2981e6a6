"""Root of the test suite: the shared fixtures (areas loaded once, staff per role and area) for every app."""

pytest_plugins = ["tests.fixtures"]
