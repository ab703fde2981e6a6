"""Double clicks and second tabs on the petition pages, on PostgreSQL (real threads, each on its own connection):
each step is taken once and the other requests are refused on the page, never answered 500. SQLite in memory has
one connection, so these run only with a PostgreSQL ``DATABASE_URL``."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from jisheng.accounts.models import User
from jisheng.core.models import Area
from jisheng.petitions import services
from jisheng.petitions.models import Delivery, Petition, PetitionAssignment
from tests.conftest import login

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs concurrent connections (PostgreSQL); SQLite in memory has one"),
    pytest.mark.django_db(transaction=True),
]

N = 4


@pytest.fixture(autouse=True)
def committed_reference_data(request: Any, django_db_blocker: Any) -> Iterator[None]:
    """The flush after each test empties the area tree the session loaded: reload it (see conftest.py)."""
    request.node.reload_reference_data = django_db_blocker
    yield


def _all_at_once(user: User, url: str, data: dict[str, Any], n: int = N) -> list[int]:
    """POST ``data`` to ``url`` as ``user`` from ``n`` threads released together; the status codes."""
    barrier = threading.Barrier(n)
    codes: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            client = login(Client(raise_request_exception=False), user)
            barrier.wait(timeout=10)
            response = client.post(url, data)
            with lock:
                codes.append(response.status_code)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return codes


def test_a_double_clicked_assignment_assigns_the_town_once(clerk: User, receive: Callable[..., Petition],
                                                          town_a: Area) -> None:
    petition = receive(dt.date(2026, 11, 2))
    services.petition_accept(petition, actor=clerk, on=dt.date(2026, 11, 3))
    codes = _all_at_once(clerk, f"/petitions/{petition.case.number}/assign/", {
        "assign-TOTAL_FORMS": "1", "assign-INITIAL_FORMS": "0", "assign-0-area": town_a.code,
        "assign-0-due": "2026-11-24", "instruction": "请核实"})
    assert codes == [302] * N
    assert PetitionAssignment.objects.filter(petition=petition).count() == 1
    assert petition.case.clocks.filter(kind="unit_response").count() == 1
    assert Delivery.objects.filter(assignment__petition=petition).count() == 1


def test_a_double_clicked_acknowledgement_and_answer_are_recorded_once(
        clerk: User, officer_a: User, receive: Callable[..., Petition], town_a: Area) -> None:
    petition = receive(dt.date(2026, 11, 2))
    services.petition_accept(petition, actor=clerk, on=dt.date(2026, 11, 3))
    a = services.petition_assign(petition, area=town_a, due=dt.date(2026, 11, 24), instruction="请核实", actor=clerk)
    assert _all_at_once(officer_a, f"/petitions/assignments/{a.pk}/acknowledge/", {}) == [302] * N
    assert list(a.deliveries.values_list("outcome", flat=True)) == ["delivered"]
    codes = _all_at_once(officer_a, f"/petitions/assignments/{a.pk}/respond/", {"response": "已核实", "on": ""})
    assert codes == [302] * N
    assert petition.case.records.filter(kind="unit_response").count() == 1
