"""The case page reads a case's file in one round trip (one query on PostgreSQL, one per table elsewhere) with SQL
compiled once per process, and gets exactly the rows, in the order, the ORM would give; its date filters and its
CSRF field write exactly what Django's ``date`` filter and ``{% csrf_token %}`` write."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jisheng.cases import selectors, services
from jisheng.cases.models import Case, ClockExtension, ClockSuspension
from jisheng.cases.reads import OneIdReads
from jisheng.cases.tests.test_page_queries import _accepted, _clocks, _grow
from jisheng.core import clock


def _values(rows: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(type(r).__name__, {f.attname: getattr(r, f.attname) for f in r._meta.concrete_fields}) for r in rows]


@pytest.mark.django_db
def test_the_case_file_holds_what_the_orm_reads_in_the_same_order(register_type: Any, town_a: Any,
                                                                  actor_for: Any) -> None:
    key = _clocks(register_type)
    case = _accepted(key, town_a, actor_for)
    _grow(case, 4, actor_for)
    with clock.frozen(dt.date(2026, 11, 6)):
        pdf = b"%PDF-1.4\n% x\n"
        services.case_attach_document(case, kind="m1", name="b.pdf", stream=io.BytesIO(pdf), size=len(pdf),
                                      actor=actor_for("change"))
    case = Case.objects.select_related("area").get(pk=case.pk)
    with CaptureQueriesContext(connection) as ctx:
        file = selectors.case_file(case)
    assert len(ctx.captured_queries) == (1 if connection.vendor == "postgresql" else 10)
    assert _values(file.materials) == _values(list(case.materials.all()))
    assert _values(file.documents) == _values(list(case.documents.order_by("id")))
    assert _values(file.steps) == _values(list(case.steps.all()))
    assert _values(file.clocks) == _values(list(case.clocks.all())) and len(file.clocks) == 4
    assert _values(file.records) == _values(list(case.records.all()))
    assert _values(file.legal_reviews) == _values(list(case.legal_reviews.all()))
    assert _values(file.events) == _values(list(case.events.all())) and file.events
    for c in file.clocks:
        assert _values(file.suspensions.get(c.pk, [])) == _values(list(ClockSuspension.objects.filter(clock=c)))
        assert _values(file.extensions.get(c.pk, [])) == _values(list(ClockExtension.objects.filter(clock=c)))
    assert sum(map(len, file.suspensions.values())) == 3 and sum(map(len, file.extensions.values())) == 3
    assert file.decision is None
    assert file.guard_context() == selectors.case_guard_context(case)
    with CaptureQueriesContext(connection) as ctx:
        assert {d.case.number for d in file.documents} == {case.number}  # every row knows its case
        assert {s.clock.case_id for rows in file.suspensions.values() for s in rows} == {case.pk}
    assert not ctx.captured_queries


@pytest.mark.django_db
def test_one_id_reads_refuse_a_query_they_cannot_read_exactly() -> None:
    with pytest.raises(ValueError, match="joined"):
        OneIdReads(joined=lambda pk: Case.objects.select_related("area").filter(pk=pk)).read(1)
    with pytest.raises(ValueError, match="two"):
        OneIdReads(two=lambda pk: Case.objects.filter(pk=pk, status="received")).read(1)
    with pytest.raises(ValueError, match="values"):
        OneIdReads(values=lambda pk: Case.objects.filter(pk=pk).values("number")).read(1)


@pytest.mark.parametrize("value", [
    None, "", "x", 5, dt.date(2026, 1, 2), dt.date(999, 3, 4), dt.datetime(2026, 11, 2, 23, 59),
    dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC), dt.datetime(2026, 12, 31, 15, 59, tzinfo=dt.UTC),
    dt.datetime(5, 1, 1, 0, 0)])
def test_the_date_filters_write_what_djangos_date_filter_writes(value: Any) -> None:
    engine = engines["django"]
    with timezone.override("Asia/Shanghai"):
        assert (engine.from_string("{% load case_pages %}{{ v|ymd }}").render({"v": value})
                == engine.from_string('{{ v|date:"Y-m-d" }}').render({"v": value}))
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            assert (engine.from_string("{% load case_pages %}{{ v|ymdhm }}").render({"v": value})
                    == engine.from_string('{{ v|date:"Y-m-d H:i" }}').render({"v": value}))


def test_the_csrf_input_is_the_field_csrf_token_writes() -> None:
    request = RequestFactory().get("/")
    page = engines["django"].from_string(
        "{% load case_pages %}{% csrf_token %}|{% csrf_input as csrf %}{{ csrf }}|{{ csrf }}").render({}, request)
    first, second, third = page.split("|")
    assert 'name="csrfmiddlewaretoken"' in first and first == second == third
