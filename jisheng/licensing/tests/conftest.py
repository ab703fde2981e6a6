"""Reuse the project-wide fixtures; helpers to build a couple in the registry."""

from tests.conftest import (  # noqa: F401
    county,
    django_db_setup,
    make_user,
    staff_client,
    town_a,
    town_b,
    village_a,
    village_b,
)
