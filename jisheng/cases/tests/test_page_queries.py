"""Every case page runs a fixed number of queries whatever the size of the file: 2 or 20 clocks (each suspended
and extended), documents, records and history events, and 2 or 20 cases on the list and the workbench."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jisheng.accounts.roles import Role
from jisheng.cases import services
from jisheng.cases.models import Case
from jisheng.cases.types import ClockRule, MaterialSpec
from jisheng.core import clock
from tests.conftest import login

DAY = dt.date(2026, 11, 2)


def _materials(facts: dict[str, Any], as_of: Any) -> list[MaterialSpec]:
    return [MaterialSpec(key=f"m{n}", name=f"材料{n}", required=False) for n in range(20)]


def _clocks(register_type: Any) -> str:
    key: str = register_type(key="toy_pages", prefix="TP", materials=_materials, clock_rules=(
        ClockRule("decision", "决定", starts_on="received", stop_on=frozenset({"action:grant"}), amount=20,
                  extension_parameter="licensing.decision_extension"),
        ClockRule("answer", "答复", starts_on="action:accept", stop_on=frozenset(), unit="calendar", amount=30,
                  per_instance=True, max_extension=10),)).key
    return key


def _accepted(key: str, town: Any, actor_for: Any, day: dt.date = DAY) -> Case:
    with clock.frozen(day):
        case = services.case_create(case_type=key, area=town, application_date=day, actor=actor_for("change"))
        services.case_transition(case, action="accept", actor=actor_for("change"))
    return case


def _grow(case: Case, until: int, actor_for: Any) -> None:
    """Give ``case`` more clocks (each suspended and extended), documents and events, up to ``until`` clocks."""
    town, leader = actor_for("change"), actor_for("approve_extension")
    with clock.frozen(GROWN_ON):  # extended before they fall due, whatever day the suite runs on
        _add_clocks(case, until, town, leader)


#: The day the extra clocks are started, suspended and extended: after their suspension, before they fall due.
GROWN_ON = dt.date(2026, 11, 6)


def _add_clocks(case: Case, until: int, town: Any, leader: Any) -> None:
    while case.clocks.count() < until:
        n = case.clocks.count()
        unit = f"单位{n}"
        services.case_start_clock(case, kind="answer", instance=unit, start=dt.date(2026, 11, 3), actor=town)
        services.case_suspend_clock(case, kind="answer", instance=unit, start=dt.date(2026, 11, 4),
                                    end=dt.date(2026, 11, 5), reason="鉴定", actor=town)
        services.case_extend_clock(case, kind="answer", instance=unit, days=5, reason="负责人批准", actor=leader)
        pdf = f"%PDF-1.4\n% {n}\n".encode()
        services.case_attach_document(case, kind=f"m{n}", name=f"a{n}.pdf", stream=io.BytesIO(pdf), size=len(pdf),
                                      actor=town)


def _count(client: Any, url: str, expect: str) -> int:
    """Queries of a GET of ``url`` (after one warm-up request: per-process caches fill on the first)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    assert expect in response.content.decode()
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.TOWN_OFFICER, Role.LEADER, Role.LEGAL_REVIEWER])
def test_the_case_page_runs_the_same_queries_for_2_and_20_clocks(register_type: Any, town_a: Any, county: Any,
                                                                   actor_for: Any, make_user: Any, client: Any,
                                                                   role: str) -> None:
    key = _clocks(register_type)
    with clock.frozen(DAY):
        case = _accepted(key, town_a, actor_for)
    login(client, make_user(role, town_a if role == Role.TOWN_OFFICER else county))
    counts = []
    for clocks in (2, 20):
        _grow(case, clocks, actor_for)
        counts.append(_count(client, f"/cases/{case.number}/", "单位1"))
    assert counts[0] == counts[1]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/cases/", "/", "/cases/review-report/"])
def test_case_lists_and_the_workbench_run_the_same_queries_for_2_and_20_cases(
        register_type: Any, town_a: Any, county: Any, actor_for: Any, make_user: Any, client: Any,
        path: str) -> None:
    key = _clocks(register_type)
    login(client, make_user(Role.LEGAL_REVIEWER if "review" in path else Role.TOWN_OFFICER,
                            county if "review" in path else town_a))
    counts = []
    for total in (2, 20):
        while Case.objects.count() < total:
            case = _accepted(key, town_a, actor_for)
            _grow(case, 2, actor_for)
        counts.append(_count(client, path, ""))
    assert counts[0] == counts[1]


def _listed(page: str) -> list[str]:
    return re.findall(r'class="mono">(TP\d{4}-\d{5})</a>', page)


def _link(page: str, which: str) -> str:
    found = re.findall(rf'id="{which}-page" href="\?([^"]+)"', page)
    return found[0].replace("&amp;", "&") if found else ""


@pytest.mark.django_db
def test_the_case_list_pages_by_keyset_both_ways_and_keeps_its_filters(
        register_type: Any, town_a: Any, town_b: Any, actor_for: Any, make_user: Any, client: Any,
        monkeypatch: Any) -> None:
    from jisheng.cases import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    key = _clocks(register_type)
    made = [_accepted(key, town_a, actor_for).number for _ in range(5)]
    other = make_user(Role.TOWN_OFFICER, town_b)
    _accepted(key, town_b, lambda capability: other)  # filtered out by the town
    login(client, make_user(Role.LEADER, town_a.parent))
    first = client.get("/cases/", {"town": town_a.code}).content.decode()
    assert _listed(first) == made[4:2:-1] and not _link(first, "previous")
    second = client.get("/cases/?" + _link(first, "next")).content.decode()
    assert _listed(second) == made[2:0:-1] and f"town={town_a.code}" in _link(second, "previous")
    third = client.get("/cases/?" + _link(second, "next")).content.decode()
    assert _listed(third) == made[:1] and not _link(third, "next")
    back = client.get("/cases/?" + _link(third, "previous")).content.decode()
    assert _listed(back) == made[2:0:-1]
    assert _listed(client.get("/cases/?" + _link(back, "previous")).content.decode()) == made[4:2:-1]


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["after=abc", "after=-3", "after=99999999999999999999999", "newer=1e5",
                                    "after=%EF%BC%91", "newer=0"])
def test_a_tampered_cursor_shows_the_first_page(cursor: str, register_type: Any, town_a: Any, actor_for: Any,
                                                make_user: Any, client: Any) -> None:
    key = _clocks(register_type)
    made = _accepted(key, town_a, actor_for).number
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    response = client.get(f"/cases/?{cursor}")
    assert response.status_code == 200
    assert _listed(response.content.decode()) == [made]


@pytest.mark.django_db
def test_the_workbench_lists_the_first_deadlines_at_risk_and_links_to_the_rest(
        register_type: Any, town_a: Any, actor_for: Any, make_user: Any, client: Any, monkeypatch: Any) -> None:
    from jisheng.cases import workbench

    monkeypatch.setattr(workbench, "SHOWN", 2)
    key = _clocks(register_type)
    late = [_accepted(key, town_a, actor_for, day=dt.date(2026, 10, 1)).number for _ in range(3)]
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    response = client.get("/")
    labels = [t.label for t in response.context["at_risk"]]
    assert [label.split()[0] for label in labels[:2]] == late[:2]
    assert labels[2] == "更多临近期限的案件" and response.context["at_risk"][2].url == "/cases/?due=3"
    listed = client.get("/cases/?due=3").content.decode()
    assert sorted(_listed(listed)) == sorted(late)


@pytest.mark.django_db
@pytest.mark.parametrize("wanted", [
    {"toy_pages": ["held", "closed"], "toy_other": ["held"]}, {"toy_pages": ["held"]}, {"toy_pages": []}, {}],
    ids=["two-types", "one-status", "no-status", "nothing"])
def test_the_type_and_status_condition_selects_what_a_lookup_per_type_selects(
        wanted: dict[str, list[str]], register_type: Any, town_a: Any, actor_for: Any) -> None:
    """The workbench's one-expression condition (:class:`~jisheng.cases.selectors.TypeStatusIn`) against the ``Q``
    per type it replaced: in a filter, an exclusion, a subquery (where the ORM renames the case's table) and from a
    clock through its case."""
    from django.db.models import Q

    from jisheng.cases.models import CaseClock
    from jisheng.cases.selectors import TypeStatusIn

    key = _clocks(register_type)
    made = [_accepted(key, town_a, actor_for) for _ in range(5)]
    for case, (case_type, status) in zip(made, [(key, "held"), (key, "closed"), (key, "other"),
                                                ("toy_other", "held"), ("toy_other", "closed")], strict=True):
        Case.objects.filter(pk=case.pk).update(case_type=case_type, status=status)
    by_lookups = Q(pk__in=[])
    for case_type, statuses in wanted.items():
        by_lookups |= Q(case_type=case_type, status__in=statuses)

    def ids(qs: Any) -> set[int]:
        return set(qs.values_list("pk", flat=True))

    cases = Case.objects.all()
    assert ids(cases.filter(TypeStatusIn(wanted))) == ids(cases.filter(by_lookups))
    assert ids(cases.exclude(TypeStatusIn(wanted))) == ids(cases.exclude(by_lookups))
    clocks = CaseClock.objects.all()
    assert ids(clocks.filter(case__in=cases.exclude(TypeStatusIn(wanted)))) == ids(
        clocks.filter(case__in=cases.exclude(by_lookups)))
    assert ids(clocks.filter(TypeStatusIn(wanted, prefix="case__"))) == ids(
        clocks.filter(case__in=cases.filter(by_lookups)))
    if any(wanted.values()):  # neither everything nor nothing: the comparison above can tell them apart
        assert set() < ids(cases.filter(TypeStatusIn(wanted))) < ids(cases)


@pytest.mark.django_db
def test_the_workbench_reads_open_counts_and_clocks_in_two_queries_and_no_legal_review_it_cannot_give(
        register_type: Any, town_a: Any, actor_for: Any, make_user: Any) -> None:
    from jisheng.cases import selectors, workbench
    from jisheng.cases.access import cases_for_user

    key = _clocks(register_type)
    late = [_accepted(key, town_a, actor_for, day=dt.date(2026, 10, 1)).number for _ in range(3)]
    officer = make_user(Role.TOWN_OFFICER, town_a)
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.awaiting_legal_review(cases_for_user(officer), officer) == []
    assert not ctx.captured_queries
    with clock.frozen(dt.date(2026, 12, 1)), CaptureQueriesContext(connection) as ctx:
        items = workbench.workbench_items(officer)
        labels = [t.label for i in items for t in i.deadlines_at_risk]  # a field left unread would query here
    # open counts, clocks, and the clock reminders when a type the officer handles sends them (petitions do)
    expected = 2 + bool(workbench.reminder_types(officer))
    assert len(ctx.captured_queries) == expected, [q["sql"][:120] for q in ctx.captured_queries]
    assert sorted(label.split()[0] for label in labels) == sorted(late) and all("已超期" in x for x in labels)
    assert sum(i.counts["在办案件"] for i in items) == 3
