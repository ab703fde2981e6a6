"""Request bodies from outside (issue 11): deeply nested JSON is refused with 400 naming the problem — never a
RecursionError (a 500) — on the public eligibility API and in the self-check's ``facts_json``; the API's 64 KB
limit holds on the bytes actually read, also for a chunked body that declares no length."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from django.core.handlers.asgi import ASGIHandler
from django.test import Client

from jisheng.licensing.forms import QuestionnaireForm

URL = "/api/v1/eligibility/birth-approval"
NESTED = "[" * 60_000  # 60 KB: under the size limit, far over any JSON parser's recursion
NESTED_OBJECTS = '{"a":' * 10_000 + "1" + "}" * 10_000


@pytest.mark.django_db
@pytest.mark.parametrize("body", [NESTED, NESTED_OBJECTS])
def test_the_api_refuses_deeply_nested_json_with_400(body: str) -> None:
    client = Client(raise_request_exception=False)
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


@pytest.mark.django_db
def test_the_self_check_refuses_deeply_nested_facts_json(client: Any) -> None:
    client.raise_request_exception = False
    response = client.post("/portal/self-check/", {"facts_json": NESTED})
    assert response.status_code == 200  # the questionnaire again, no result
    form = QuestionnaireForm({"facts_json": NESTED_OBJECTS})
    assert not form.is_valid() and "嵌套" in form.errors["facts_json"][0]
    # ordinary facts still pass
    form = QuestionnaireForm({"facts_json": json.dumps({"application_date": "2013-06-01", "children": []})})
    assert form.is_valid(), form.errors


def _asgi_post(path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    """POST ``chunks`` through Django's ASGI handler as a server delivers a chunked body: several messages, no
    Content-Length."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), *headers], "client": ("127.0.0.1", 5000),
             "server": ("testserver", 80)}
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent: list[dict[str, Any]] = []

    async def exchange() -> None:
        answered = asyncio.Event()

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop(0)
            await answered.wait()  # the client stays connected until the answer is complete
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                answered.set()

        await ASGIHandler()(scope, receive, send)

    asyncio.run(exchange())
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


@pytest.mark.django_db
def test_a_chunked_body_over_the_limit_is_refused_on_the_bytes_read() -> None:
    payload = b'{"a": "' + b"x" * 100_000 + b'"}'
    chunks = [payload[i:i + 8192] for i in range(0, len(payload), 8192)]
    status, body = _asgi_post(URL, chunks, [(b"content-type", b"application/json"),
                                            (b"transfer-encoding", b"chunked")])
    assert status == 413, body[:200]
    assert b"65536" in body
