"""Send one staff request and collect the audit events it wrote, with the request's own audit context.

``audited_request`` runs the request through the whole middleware stack with a spy placed right after
``RequestContextMiddleware``. The spy notes the audit context the request runs in (client address, request id),
and runs the callbacks that ``transaction.on_commit`` registered before the request ends, as they run in
production, where a view's transaction commits inside the request: a background task that the tests' immediate
backend runs on commit therefore runs inside the request too, like any code a request can reach.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, TestCase, override_settings

from jisheng.core import audit
from jisheng.core.models import AuditEvent

_seen: list[audit.AuditContext] = []


class AuditContextSpy:
    """Test-only middleware: remember the request's audit context; run on-commit callbacks inside it."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _seen.append(audit.current())
        with TestCase.captureOnCommitCallbacks(execute=True):
            response: HttpResponse = self.get_response(request)
        return response


@dataclass
class AuditedRequest:
    response: HttpResponse
    context: audit.AuditContext
    events: list[AuditEvent]


def audited_request(client: Client, method: str, path: str, data: Any = None, *, ip: str,
                    **extra: Any) -> AuditedRequest:
    """Send ``method path`` from client address ``ip`` with ``client``'s cookies (its session)."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("jisheng.core.middleware.RequestContextMiddleware") + 1,
                      f"{__name__}.AuditContextSpy")
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    _seen.clear()
    with override_settings(MIDDLEWARE=middleware):
        spied = Client(REMOTE_ADDR=ip)  # a fresh client loads the overridden middleware
        spied.cookies = client.cookies
        response = getattr(spied, method.lower())(path, data or {}, **extra)
    assert len(_seen) == 1, "the spy did not see exactly one request"
    events = list(AuditEvent.objects.filter(id__gt=last).order_by("id"))
    return AuditedRequest(response=response, context=_seen[0], events=events)


def assert_events_carry_the_request(result: AuditedRequest, *, ip: str) -> None:
    """Every event the request wrote carries its client address and its one request id (and there are some)."""
    assert result.events, "the request wrote no audit event"
    assert result.context.ip == ip and result.context.request_id
    stray = [(e.object_type, e.action, e.ip, e.request_id) for e in result.events
             if (e.ip, e.request_id) != (ip, result.context.request_id)]
    assert stray == [], f"events without the request's address {ip} and id {result.context.request_id}"
