"""Double clicks and simultaneous submissions (issue 11): six parallel creates of one person, one death or one newborn
give exactly one record and no 500 — with real threads, each on its own database connection (PostgreSQL; SQLite in
memory is one connection, so these run only in the PostgreSQL pass)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from jisheng.core.idnumber import make_id_number
from jisheng.registry import services
from jisheng.registry.models import LifeEvent, LifeEventKind, ParentChild, Person, PersonStatus
from jisheng.registry.tests.factories import make_person
from tests.conftest import login

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs concurrent connections (PostgreSQL); SQLite in memory has one"),
    pytest.mark.django_db(transaction=True),
]

N = 6


@pytest.fixture(autouse=True)
def committed_reference_data(request: Any, django_db_blocker: Any) -> Iterator[None]:
    """The flush after each test empties the area tree the session loaded: reload it (registry tests' conftest)."""
    request.node.reload_reference_data = django_db_blocker
    yield


def _all_at_once(clients: list[Client], send: Callable[[Client], Any]) -> list[int]:
    """Send one request per client from its own thread, all released together; return the status codes."""
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(client: Client) -> None:
        try:
            barrier.wait(timeout=10)
            response = send(client)
            with lock:
                statuses.append(response.status_code)
        except BaseException as exc:  # reported below, with the others
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return sorted(statuses)


def _clients(user: Any) -> list[Client]:
    return [login(Client(raise_request_exception=False), user) for _ in range(N)]


def _no_number_logged(caplog: Any, number: str) -> None:
    for record in caplog.records:
        text = record.getMessage() + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        assert number not in text, f"{record.name}: the full ID number is in the log"
        assert record.levelno < logging.ERROR, f"{record.name}: {record.getMessage()}"


def test_six_parallel_creates_of_one_new_id_number_make_one_person(make_user: Any, town_a: Any, village_a: Any,
                                                                    caplog: Any) -> None:
    officer = make_user("town_officer", town_a)
    caplog.set_level(logging.WARNING)
    number = make_id_number("320585", dt.date(1990, 1, 1), 11)
    body = json.dumps({"name": "王小明", "sex": "M", "birth_date": "1990-01-01", "id_number": number,
                       "hukou_type": "rural", "residence_area_code": village_a.code,
                       "hukou_area_code": village_a.code})
    statuses = _all_at_once(_clients(officer), lambda c: c.post("/api/v1/registry/persons", body,
                                                                  content_type="application/json"))
    assert statuses == [201] + [409] * (N - 1)
    assert Person.objects.filter(id_number=number).count() == 1

    # the same through the person form: one record, the other five shown the form again with the refusal
    other = make_id_number("320585", dt.date(1991, 2, 3), 13)
    form = {"name": "李四", "sex": "M", "birth_date": "1991-02-03", "id_number": other, "hukou_type": "rural",
            "residence_area": village_a.pk, "hukou_area": village_a.pk}
    statuses = _all_at_once(_clients(officer), lambda c: c.post(reverse("registry:person_create"), form))
    assert statuses == [200] * (N - 1) + [302]
    assert Person.objects.filter(id_number=other).count() == 1
    _no_number_logged(caplog, number)
    _no_number_logged(caplog, other)


def test_six_parallel_death_records_make_one_death_event(make_user: Any, town_a: Any, village_a: Any,
                                                         caplog: Any) -> None:
    officer = make_user("town_officer", town_a)
    caplog.set_level(logging.WARNING)
    person = make_person(village_a, name="陆建华", birth_date=dt.date(1950, 3, 8))
    url = reverse("registry:event_death", args=[person.pk])
    statuses = _all_at_once(_clients(officer), lambda c: c.post(url, {"date": "2026-11-01", "cause": "病故"}))
    assert statuses == [200] * (N - 1) + [302]
    assert LifeEvent.objects.filter(person=person, kind=LifeEventKind.DEATH).count() == 1
    person.refresh_from_db()
    assert person.status == PersonStatus.DEAD and person.death_date == dt.date(2026, 11, 1)
    _no_number_logged(caplog, person.id_number)


def test_a_newborn_posted_six_times_at_once_is_one_child_with_two_parent_links(make_user: Any, town_a: Any,
                                                                              village_a: Any, caplog: Any) -> None:
    officer = make_user("town_officer", town_a)
    caplog.set_level(logging.WARNING)
    wife = make_person(village_a, name="王小红", sex="F", birth_date=dt.date(1990, 4, 2))
    husband = make_person(village_a, name="李建国", sex="M", birth_date=dt.date(1988, 9, 10))
    services.marriage_register(husband=husband, wife=wife, start_date=dt.date(2020, 5, 1), actor=None)
    url = reverse("registry:event_newborn", args=[wife.pk])
    form = {"name": "李思思", "sex": "F", "birth_date": "2026-10-05", "id_number": "", "with_spouse": "on"}
    statuses = _all_at_once(_clients(officer), lambda c: c.post(url, form))
    assert statuses == [200] * (N - 1) + [302]
    children = Person.objects.filter(name="李思思", birth_date=dt.date(2026, 10, 5))
    assert children.count() == 1
    assert set(ParentChild.objects.filter(child=children.get()).values_list("parent_id", flat=True)) == {
        wife.pk, husband.pk}
    # the husband's page too (another officer, the same child): already recorded, nothing added
    again = login(Client(), officer).post(reverse("registry:event_newborn", args=[husband.pk]), form)
    assert again.status_code == 200 and "已登记" in again.content.decode()
    assert children.count() == 1 and ParentChild.objects.filter(child=children.get()).count() == 2
    assert LifeEvent.objects.filter(kind=LifeEventKind.BIRTH).count() == 2
    _no_number_logged(caplog, wife.id_number)
