"""Every registry staff page reads a fixed number of queries, whatever the size of the data it shows (no N+1).

Each page is counted on small data (3 people, children, events, changes, views, pairs, imports, exports…) and again
after the data has grown to 30 of each: the two counts must be equal. The counts are compared, not pinned, so a
change of the middleware (sessions, second factor) moves both alike.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jisheng.core import audit
from jisheng.core.idnumber import make_id_number
from jisheng.registry import services
from jisheng.registry.models import (
    DuplicateCandidate,
    Household,
    LifeEvent,
    Marriage,
    ParentChild,
    Person,
    PersonExport,
    RosterImport,
)
from tests.conftest import login

SMALL, LARGE = 3, 30
_n = itertools.count(1)


@dataclass
class World:
    """One town officer's registry, grown step by step: ``grow(n)`` brings every collection to ``n`` items."""

    officer: Any
    client: Client
    village: Any
    focus: Person
    pair: DuplicateCandidate
    job: RosterImport
    export: PersonExport
    made: dict[str, list[Any]] = field(default_factory=dict)
    auditor_client: Client | None = None  # the access log is read by auditors only

    def person(self, name: str, sex: str = "M", **fields: Any) -> Person:
        n = next(_n)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=n % 18_000)  # one a day: unique numbers, all born by now
        return Person.objects.create(
            name=name, sex=sex, birth_date=born, id_number=make_id_number("320585", born, 101 + 2 * (n % 400)),
            hukou_type="rural", hukou_area=self.village, residence_area=self.village, town=self.village.parent,
            **fields)

    def _fill(self, key: str, n: int, make: Callable[[int], Any]) -> None:
        items = self.made.setdefault(key, [])
        while len(items) < n:
            items.append(make(len(items)))

    def grow(self, n: int) -> None:
        focus, officer = self.focus, self.officer
        self._fill("people", n, lambda i: self.person(f"王{i}明"))
        self._fill("children", n, lambda i: ParentChild.objects.create(
            parent=focus, child=self.person(f"王子{i}", sex="F" if i % 2 else "M"), kind="birth"))
        # the family page audits its members' views in one INSERT, which SQLite splits every 83 rows (999 parameters):
        # the family grows to ~50 members, spouses and household members a third as fast as children
        self._fill("household", n // 3, lambda i: self.person(f"王户{i}", household=focus.household))
        self._fill("marriages", n // 3, lambda i: Marriage.objects.create(
            husband=focus, wife=self.person(f"李{i}妹", sex="F"), start_date=dt.date(1990, 1, 1) + dt.timedelta(days=i),
            end_date=dt.date(1990, 1, 1) + dt.timedelta(days=i + 1) if i else None,
            end_reason="divorce" if i else ""))
        self._fill("events", n, lambda i: LifeEvent.objects.create(
            person=focus, kind="move_in", date=dt.date(2000, 1, 1) + dt.timedelta(days=i),
            details={"from": f"甲{i}村", "to": f"乙{i}村"}))
        self._fill("changes", n, lambda i: services.person_update(focus, actor=officer, phone=f"139{i:08d}"))
        self._fill("views", n, lambda i: audit.record_view(focus, what="测试"))
        self._fill("pairs", n, lambda i: DuplicateCandidate.objects.create(
            person_a=self.person(f"赵{i}"), person_b=self.person(f"赵{i}"), reason="name_birth_area", source="form",
            area=self.village))
        self._fill("pair_family", n, lambda i: ParentChild.objects.create(
            parent=self.pair.person_a, child=self.person(f"赵子{i}"), kind="birth"))
        self._fill("imports", n, lambda i: RosterImport.objects.create(
            filename=f"名册{i}.csv", content=b"x", sha256=f"{i:064d}", area=officer.area, status="done",
            created_by=officer, rows=1))
        self._fill("import_errors", n, lambda i: self._import_error(i))
        self._fill("exports", n, lambda i: PersonExport.objects.create(
            created_by=officer, area=officer.area, reason=f"核对{i}", fmt="csv", status="done", rows=1))

    def _import_error(self, i: int) -> None:
        self.job.errors.append({"row": i + 2, "name": "王**", "column": "姓名", "problem": "姓名为空"})
        RosterImport.objects.filter(pk=self.job.pk).update(errors=self.job.errors)


@pytest.fixture
def world(make_user: Any, town_a: Any, village_a: Any, county: Any) -> World:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from jisheng.core import clock

    officer = make_user("town_officer", town_a)
    household = Household.objects.create(number="320585000001", area=village_a)
    probe = World(officer=officer, client=login(Client(), officer), village=village_a, focus=None,  # type: ignore
                  pair=None, job=None, export=None)  # type: ignore[arg-type]
    probe.focus = probe.person("王小明", household=household, phone="13800138000")
    probe.pair = DuplicateCandidate.objects.create(person_a=probe.person("钱一"), person_b=probe.person("钱一"),
                                                   reason="name_birth_area", source="form", area=village_a)
    probe.job = RosterImport.objects.create(filename="名册.csv", content=b"x", sha256="f" * 64, area=town_a,
                                            status="done", created_by=officer, rows=1, errors=[])
    name = default_storage.save("exports/page-queries.csv", ContentFile("姓名\r\n".encode()))
    probe.export = PersonExport.objects.create(created_by=officer, area=town_a, reason="核对", fmt="csv",
                                               status="done", rows=0, file=name, finished_at=clock.now())
    probe.auditor_client = login(Client(), make_user("auditor", county))
    return probe


#: Pages read by an auditor rather than by the town officer.
AUDITOR_PAGES = {"person_access_log"}


def _registry(name: str, *args: Any) -> str:
    return reverse(f"registry:{name}", args=args)


def _event_page(kind: str, world: World) -> tuple[str, dict[str, str]]:
    return _registry(f"event_{kind}", world.focus.pk), {}


#: Every GET page of the registry (jisheng/registry/urls.py) with its query string; POST-only actions write and are
#: not pages. ``lambda w: (url, params)``.
PAGES: dict[str, Callable[[World], tuple[str, dict[str, str]]]] = {
    "person_list": lambda w: (_registry("person_list"), {}),
    "person_list_name": lambda w: (_registry("person_list"), {"q": "王"}),
    "person_list_pinyin": lambda w: (_registry("person_list"), {"q": "wang", "status": "alive"}),
    "person_list_area": lambda w: (_registry("person_list"), {"area": str(w.village.pk)}),
    "person_list_after": lambda w: (_registry("person_list"), {"after": "999999999"}),
    "person_list_id": lambda w: (_registry("person_list"), {"q": w.focus.id_number}),
    "person_create": lambda w: (_registry("person_create"), {}),
    "person_export": lambda w: (_registry("person_export"), {"q": "王"}),
    "export_detail": lambda w: (_registry("export_detail", w.export.pk), {}),
    "export_download": lambda w: (_registry("export_download", w.export.pk), {}),
    "person_picker": lambda w: (_registry("person_picker"), {"name": "p", "id": "id_p", "p": "王"}),
    "person_picker_pick": lambda w: (_registry("person_picker"), {"name": "p", "id": "id_p",
                                                                  "pick": str(w.focus.pk)}),
    "person_detail": lambda w: (_registry("person_detail", w.focus.pk), {}),
    "person_access_log": lambda w: (_registry("person_access_log", w.focus.pk), {}),
    "person_edit": lambda w: (_registry("person_edit", w.focus.pk), {}),
    "family": lambda w: (_registry("family", w.focus.pk), {}),
    **{f"event_{kind}": functools.partial(_event_page, kind)
       for kind in ("death", "marriage", "divorce", "child_link", "newborn", "disability", "move", "floating")},
    "duplicate_list": lambda w: (_registry("duplicate_list"), {}),
    "duplicate_detail": lambda w: (_registry("duplicate_detail", w.pair.pk), {}),
    "import_new": lambda w: (_registry("import_new"), {}),
    "import_template": lambda w: (_registry("import_template"), {}),
    "import_detail": lambda w: (_registry("import_detail", w.job.pk), {}),
    "import_errors": lambda w: (_registry("import_errors", w.job.pk), {"format": "csv"}),
}


def _queries(world: World, page: str) -> tuple[int, list[str]]:
    url, params = PAGES[page](world)
    with CaptureQueriesContext(connection) as ctx:
        client = world.auditor_client if page in AUDITOR_PAGES else world.client
        assert client is not None
        response = client.get(url, params)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, (page, response.status_code)
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def test_every_registry_page_is_listed() -> None:
    """A new registry route must be added to :data:`PAGES` (or be a POST-only action)."""
    from django.urls import get_resolver

    from jisheng.registry import urls

    post_only = {"person_unmask", "duplicate_merge", "duplicate_dismiss", "duplicate_undo"}
    named = {p.name for p in urls.urlpatterns}
    listed = {name.split("_")[0] if name.startswith("event_") else name for name in PAGES}
    missing = {n for n in named - post_only if n not in PAGES and n not in listed}
    assert not missing, missing
    assert get_resolver() is not None


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_query_count_does_not_grow_with_the_data(world: World, page: str) -> None:
    world.grow(SMALL)
    _queries(world, page)  # warm the caches (content types, translations, sessions)
    small, small_sql = _queries(world, page)
    world.grow(LARGE)
    large, large_sql = _queries(world, page)
    assert small == large, (small, large, _extra(small_sql, large_sql))


def _extra(small: list[str], large: list[str]) -> list[str]:
    """The queries the larger data ran more often (shortened), to name the N+1."""
    import re
    from collections import Counter

    def shape(sql: str) -> str:
        return re.sub(r"'[^']*'|\b\d+\b", "?", re.sub(r"IN \([^)]*\)", "IN (…)", sql))

    grown = Counter(shape(q) for q in large) - Counter(shape(q) for q in small)
    return [sql[:400] for sql in grown][:5]


@pytest.mark.django_db
def test_the_person_list_pages_by_keyset_keeping_the_search_and_the_masking(world: World) -> None:
    """The list's "next" link carries the search and the cursor; its pages cost the same queries, never overlap, and
    show ID numbers masked."""
    import re
    from html import unescape

    from jisheng.registry.selectors import PAGE_SIZE

    people = [world.person(f"王{i}明") for i in range(PAGE_SIZE + 5)]
    world.person("李四")  # not 王: never listed
    url = _registry("person_list")
    world.client.get(url, {"q": "王"})
    with CaptureQueriesContext(connection) as first_ctx:
        first = world.client.get(url, {"q": "王"}).content.decode()
    link = re.search(r'href="\?([^"]*after=[^"]*)"', first)
    assert link is not None
    query = unescape(link.group(1))
    assert "q=%E7%8E%8B" in query  # the search is kept
    with CaptureQueriesContext(connection) as second_ctx:
        second = world.client.get(f"{url}?{query}").content.decode()
    assert len(first_ctx.captured_queries) == len(second_ctx.captured_queries)

    def listed(page: str) -> list[str]:
        return re.findall(r'href="/registry/persons/(\d+)/">王', page)

    one, two = listed(first), listed(second)
    assert len(one) == PAGE_SIZE and len(two) == 6 and not set(one) & set(two)  # 55 + 王小明 (the world's own)
    assert {int(pk) for pk in one + two} == {p.pk for p in people} | {world.focus.pk}
    assert "李四" not in first + second and re.search(r'href="\?[^"]*after=', second) is None  # the last page
    for p in people:
        assert p.id_number not in first + second


#: What each of these pages reads beyond the staff layout (the session, the account, the navigation: what a page
#: with nothing of its own reads, measured in the same test), pinned so that a query added to one of them fails:
#: the list reads its page with its capped count (one query) and the area filter's choices (a name search adds its
#: audit INSERT); the person page the person, the audit
#: INSERT of the view, parents and children (one query), marriages, which relatives are in scope, the change history
#: and the life events (the disability grade is read from them).
OWN_QUERIES = {"person_list": 2, "person_list_name": 3, "person_detail": 7}


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(OWN_QUERIES))
def test_a_registry_page_reads_its_pinned_number_of_queries_beyond_the_layout(world: World, page: str) -> None:
    world.grow(SMALL)
    layout = reverse("core:module_unavailable", args=["petitions"])  # the layout and nothing else
    world.client.get(layout)
    with CaptureQueriesContext(connection) as ctx:
        assert world.client.get(layout).status_code == 200
    _queries(world, page)  # warm the caches
    count, sql = _queries(world, page)
    assert count - len(ctx.captured_queries) == OWN_QUERIES[page], sql


@pytest.mark.django_db
def test_the_registry_workbench_counts_in_one_query(world: World) -> None:
    """The registry's part of the workbench: both counts (people, pending pairs) in one query, running imports in
    another."""
    from jisheng.registry.workbench import registry_workbench

    world.grow(SMALL)
    registry_workbench(world.officer)
    with CaptureQueriesContext(connection) as ctx:
        items = registry_workbench(world.officer)
    assert len(ctx.captured_queries) == 2, [q["sql"][:200] for q in ctx.captured_queries]
    assert list(items.counts.values()) == [
        Person.objects.filter(town=world.village.parent, status="alive").count(),
        DuplicateCandidate.objects.filter(status="pending").count()]
