"""Sign-in and sign-out are audited with the request's client address and request id."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jisheng.core.models import AuditAction
from tests.request_audit import assert_events_carry_the_request, audited_request

pytestmark = pytest.mark.django_db


def test_signing_in_and_out_carries_the_request_address_and_id(town_a: Any, make_user: Any) -> None:
    """Regression: the sign-in signals opened a fresh audit context, so a sign-in had a request id of its own
    instead of the request's."""
    officer = make_user("town_officer", town_a)
    officer.set_password("a-long-test-password")
    officer.save()
    client = Client()
    signed_in = audited_request(client, "post", reverse("accounts:login"),
                                {"username": officer.username, "password": "a-long-test-password"}, ip="192.0.2.81")
    assert signed_in.response.status_code == 302
    assert_events_carry_the_request(signed_in, ip="192.0.2.81")
    assert [(e.action, e.actor) for e in signed_in.events] == [(AuditAction.LOGIN, officer)]
    signed_out = audited_request(client, "post", reverse("accounts:logout"), ip="192.0.2.82")
    assert signed_out.response.status_code == 302
    assert_events_carry_the_request(signed_out, ip="192.0.2.82")
    assert [(e.action, e.actor) for e in signed_out.events] == [(AuditAction.LOGOUT, officer)]


def test_a_failed_sign_in_carries_the_request_address_and_id(db: Any) -> None:
    failed = audited_request(Client(), "post", reverse("accounts:login"), {"username": "nobody", "password": "x"},
                             ip="192.0.2.83")
    assert failed.response.status_code == 200
    assert_events_carry_the_request(failed, ip="192.0.2.83")
    assert [(e.action, e.actor, e.object_label) for e in failed.events] == [(AuditAction.LOGIN_FAILED, None, "nobody")]
