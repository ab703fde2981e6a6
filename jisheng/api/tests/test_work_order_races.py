"""Contract §7 under concurrency (issue 12): six hotline posts of one work order at the same moment make exactly one
petition and one case; the five others answer 200 ``"duplicate": true`` with the same tracking code. Real threads,
each on its own database connection — PostgreSQL only (SQLite in memory is one connection)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from jisheng.api.services import api_token_create
from jisheng.cases.models import Case
from jisheng.petitions.models import Petition

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs concurrent connections (PostgreSQL); SQLite in memory has one"),
    pytest.mark.django_db(transaction=True),
]

N = 6
URL = "/api/v1/petitions/work-orders"


@pytest.fixture(autouse=True)
def committed_reference_data(request: Any, django_db_blocker: Any) -> Iterator[None]:
    """The flush after each test empties the area tree the session loaded: reload it (see conftest.py)."""
    request.node.reload_reference_data = django_db_blocker
    yield


def _post_all_at_once(bodies: list[str], token: str) -> list[Any]:
    """POST each body from its own thread and connection, all released together; return the responses."""
    barrier = threading.Barrier(len(bodies))
    responses: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(body: str) -> None:
        try:
            client = Client(raise_request_exception=False)
            barrier.wait(timeout=10)
            response = client.post(URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
            with lock:
                responses.append(response)
        except BaseException as exc:  # reported below, with the others
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return responses


def _body(order_no: str, n: int) -> str:
    return json.dumps({
        "order_no": order_no, "channel": "12345", "received_at": "2026-03-02T09:00:00+08:00",
        "subject": f"独生子女父母奖励未发放（推送第{n}次）", "content": "来电人反映未领到奖励，请求核实补发。",
        "petitioner": {"name": "欧阳娜娜", "phone": "13812345678"},
    }, ensure_ascii=False)


def test_six_parallel_posts_of_one_order_make_one_petition(caplog: Any) -> None:
    caplog.set_level(logging.WARNING)
    _, token = api_token_create(name="12345-platform", scope="petitions", actor=None)

    responses = _post_all_at_once([_body("12345-20260302-0001", n) for n in range(N)], token)

    assert sorted(r.status_code for r in responses) == [200] * (N - 1) + [201], [r.content for r in responses]
    bodies = [r.json() for r in responses]
    assert sorted(b["duplicate"] for b in bodies) == [False] + [True] * (N - 1)
    assert len({b["tracking_code"] for b in bodies}) == 1
    assert all(b["regime"] == "petition-work-reg-2022" and b["acceptance_due"] == "2026-03-17" for b in bodies)
    petition = Petition.objects.get(order_no="12345-20260302-0001")
    assert petition.tracking_code == bodies[0]["tracking_code"]
    assert Petition.objects.count() == 1 and Case.objects.filter(case_type="petition").count() == 1
    assert petition.case.clocks.filter(kind="acceptance").count() == 1
    for record in caplog.records:
        assert record.levelno < logging.ERROR, f"{record.name}: {record.getMessage()}"
        assert "13812345678" not in record.getMessage() and "欧阳娜娜" not in record.getMessage()


def test_six_parallel_posts_of_six_orders_make_six_petitions() -> None:
    _, token = api_token_create(name="12345-platform", scope="petitions", actor=None)

    responses = _post_all_at_once([_body(f"12345-20260302-{n:04d}", n) for n in range(N)], token)

    assert [r.status_code for r in responses] == [201] * N, [r.content for r in responses]
    assert len({r.json()["tracking_code"] for r in responses}) == N
    assert Petition.objects.count() == N and Case.objects.filter(case_type="petition").count() == N
