import datetime as dt

import pytest

from jisheng.core.idnumber import validate_id_number
from jisheng.registry.demo import generate_population
from jisheng.registry.models import DuplicateCandidate, Household, LifeEvent, Marriage, ParentChild, Person


def _fingerprint():
    return list(Person.objects.order_by("id").values_list("name", "sex", "birth_date", "id_number", "status"))


@pytest.mark.django_db
def test_demo_population_is_valid_deterministic_and_idempotent(county):
    written, _ = generate_population(persons=600, seed=7)
    assert written >= 600
    first = _fingerprint()
    persons = Person.objects.exclude(id_number="")
    for p in persons:
        assert validate_id_number(p.id_number, p.birth_date, today=dt.date(2026, 6, 30)) == p.id_number
    assert Marriage.objects.exists() and ParentChild.objects.exists()
    assert LifeEvent.objects.filter(kind="death").count() == Person.objects.filter(status="dead").count()
    # a second run keeps everything
    assert generate_population(persons=600, seed=7) == (0, 0.0)
    assert _fingerprint() == first
    # same seed on a fresh registry gives the same people
    DuplicateCandidate.objects.all().delete()
    Person.objects.all().delete()
    generate_population(persons=600, seed=7)
    assert [row[:5] for row in _fingerprint()] == [row[:5] for row in first]


@pytest.mark.django_db
def test_the_demo_population_leaves_postgresql_statistics_of_the_tables_it_filled(county):
    """On PostgreSQL the load ends with ANALYZE of every table it filled (a planner without statistics scanned and
    sorted a whole town for the person list); other databases are left alone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        generate_population(persons=200, seed=7)
    analyzed = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert analyzed == [f'ANALYZE "{model._meta.db_table}"' for model in (
            Household, Person, Marriage, ParentChild, LifeEvent, DuplicateCandidate)]
    else:
        assert analyzed == []
