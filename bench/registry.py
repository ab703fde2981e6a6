"""Benchmark: the population registry at scale (issue 4), default 1,000,000 demo persons on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jisheng_bench python -m bench registry [-- --persons 1000000]

Set-up: the database must be migrated and bootstrapped (``jisheng migrate && jisheng bootstrap``). When it
holds no demo population, the generator runs first and its run time is reported (``--fresh`` empties the
registry tables first). Then, with warm caches:

- exact ID lookup: :func:`selectors.search_persons` with a random citizen ID number, as a county-level user
  (target p95 < 20 ms);
- name / pinyin prefix search within a town: random surname characters, two-character name prefixes, full
  pinyin prefixes and initials, as a town officer (target p95 < 100 ms);
- the person list page: ``GET /registry/`` and a second keyset page, rendered through the Django test client
  as a town officer (target p95 < 150 ms).

Times include the capped count ("10,000+") each page shows. Baseline = the issue's p95 target; ratio =
measured / target (below 1 meets it).
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

from bench.common import percentile, result

NAME = "registry"


def _ms(fn: Any, n: int) -> list[float]:
    samples = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _stats(metric: str, samples: list[float], target: float, n_persons: int) -> list[dict[str, Any]]:
    p50, p95 = percentile(samples, 50), percentile(samples, 95)
    return [
        result(name=NAME, metric=f"{metric} p50", value=p50, unit="ms", n=n_persons, samples=len(samples)),
        result(name=NAME, metric=f"{metric} p95", value=p95, unit="ms", n=n_persons, baseline="issue target p95",
               baseline_value=target, ratio=p95 / target, samples=len(samples)),
    ]


def _fresh() -> None:
    from django.db import connection

    tables = ["registry_lifeevent", "registry_parentchild", "registry_marriage", "registry_duplicatecandidate",
              "registry_person", "registry_household"]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for t in tables:
                cur.execute(f"DELETE FROM {t}")


def run(argv: list[str]) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(prog="bench registry")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--fresh", action="store_true", help="empty the registry tables and regenerate")
    parser.add_argument("--generator-seconds", type=float, default=None,
                        help="report this generator time (measured by an earlier `jisheng demo` run)")
    args = parser.parse_args(argv)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from jisheng.accounts.models import User
    from jisheng.core.demo import generate_villages
    from jisheng.core.models import Area
    from jisheng.registry import selectors
    from jisheng.registry.demo import generate_population
    from jisheng.registry.models import Person

    results: list[dict[str, Any]] = []
    if args.fresh:
        _fresh()
    generate_villages(seed=args.seed, county_code=str(settings.JISHENG["DEMO_COUNTY_CODE"]))
    written, seconds = generate_population(persons=args.persons, seed=args.seed)
    if written:
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":  # what autovacuum does shortly after a bulk load
                for table in ("registry_person", "registry_lifeevent", "registry_parentchild", "registry_marriage"):
                    cur.execute(f"VACUUM ANALYZE {table}")
        results.append(result(name=NAME, metric="generator run time", value=seconds, unit="s", n=written,
                              baseline="issue target (1M on PostgreSQL)", baseline_value=900.0,
                              ratio=seconds / 900.0))
    elif args.generator_seconds:
        results.append(result(name=NAME, metric="generator run time (earlier jisheng demo run)",
                              value=args.generator_seconds, unit="s", n=Person.objects.filter(is_demo=True).count(),
                              baseline="issue target (1M on PostgreSQL)", baseline_value=900.0,
                              ratio=args.generator_seconds / 900.0))
    n_persons = Person.objects.count()
    rng = random.Random(args.seed)
    county = Area.objects.get(code=str(settings.JISHENG["DEMO_COUNTY_CODE"]))
    town = Area.objects.get(code="320585100000")  # 城厢镇
    admin, _ = User.objects.get_or_create(username="bench-county", defaults={"role": "city_admin", "area": county})
    officer, _ = User.objects.get_or_create(username="bench-town", defaults={"role": "town_officer", "area": town})

    max_id = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids: list[str] = []
    while len(ids) < args.samples:
        pk = rng.randint(1, max_id)
        number = Person.objects.filter(pk__gte=pk).exclude(id_number="").values_list("id_number", flat=True).first()
        if number:
            ids.append(number)
    for number in ids[:20]:  # warm up
        selectors.search_persons(admin, q=number)

    def lookup(i: int) -> None:
        page = selectors.search_persons(admin, q=ids[i])
        assert page.items and page.items[0].id_number == ids[i]

    results += _stats("exact ID lookup (county user)", _ms(lookup, len(ids)), 20.0, n_persons)

    sample_names = list(Person.objects.filter(town=town, pk__gte=rng.randint(1, max(1, max_id - 5000)))
                        .values_list("name", "name_pinyin", "name_initials")[:2000])
    queries: list[str] = []
    for name, full, initials in sample_names:
        kind = len(queries) % 4
        queries.append([name[:1], name[:2], full[: max(3, len(full) // 2)], initials[:2]][kind])
        if len(queries) >= args.samples:
            break
    for q in queries[:20]:
        selectors.search_persons(officer, q=q)

    def prefix(i: int) -> None:
        selectors.search_persons(officer, q=queries[i])

    results += _stats("name/pinyin prefix search in a town", _ms(prefix, len(queries)), 100.0, n_persons)

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(officer)
    cursor = selectors.search_persons(officer).next_cursor
    with override_settings(DEBUG=False):
        for _ in range(5):
            client.get("/registry/")

        def page(i: int) -> None:
            url = "/registry/" if i % 2 == 0 else f"/registry/?after={cursor}"
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        results += _stats("person list page (town officer)", _ms(page, min(args.samples, 200)), 150.0, n_persons)
    return results
