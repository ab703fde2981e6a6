"""Reuse the project-wide fixtures (areas loaded once, users per role and area) for benefits tests."""

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
