"""The hotline work-order API (contract §7): fields and codes, tokens, idempotency, the regulation of the receipt date,
the OpenAPI description. The concurrent posts on PostgreSQL are in jisheng/api/tests/test_work_order_races.py."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from jisheng.cases.models import Case
from jisheng.core import clock
from jisheng.core.idnumber import make_id_number
from jisheng.core.models import AuditEvent
from jisheng.petitions.enums import Channel
from jisheng.petitions.models import FollowUp, Petition, PetitionReply
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_the_pages_day() -> Iterator[None]:
    """These tests are about pages and answers, not dates: they run on 2026-11-16 (their data's day) whatever
    day the suite runs on (``JISHENG_TEST_CLOCK``); the dated rules are re-run on other days by their own tests."""
    with clock.frozen(dt.date(2026, 11, 16)):
        yield

URL = "/api/v1/petitions/work-orders"
NAME, PHONE = "欧阳娜娜", "13812345678"


def order(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "order_no": "12345-20260302-0001", "channel": "12345", "received_at": "2026-03-02T09:00:00+08:00",
        "subject": "独生子女父母奖励未发放", "content": "来电人反映2019年起未领到独生子女父母奖励，请求核实补发。",
        "petitioner": {"name": NAME, "phone": PHONE},
    }
    body.update(changes)
    return body


def api_token(*args: str) -> str:
    """``jisheng api-token ARGS`` (this layer does not import the API layer); its stdout."""
    out = StringIO()
    call_command("api-token", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


@pytest.fixture
def token() -> str:
    return api_token("create", "--name", "12345-platform", "--scope", "petitions")


@pytest.fixture
def post(token: str) -> Callable[..., Any]:
    def send(body: Any, *, bearer: str | None = None, client: Client | None = None) -> Any:
        data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        return (client or Client()).post(URL, data, content_type="application/json",
                                         HTTP_AUTHORIZATION=f"Bearer {bearer or token}")

    return send


def get(order_no: str, token: str) -> Any:
    return Client().get(f"{URL}/{order_no}", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_first_post_registers_a_petition_and_answers_201(post: Callable[..., Any], county: Any) -> None:
    response = post(order())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {"tracking_code": body["tracking_code"], "status": "registered", "status_label": "已登记",
                    "regime": "petition-work-reg-2022", "acceptance_due": "2026-03-17", "conclusion_due": None,
                    "duplicate": False}
    petition = Petition.objects.get()
    assert petition.tracking_code == body["tracking_code"] and len(body["tracking_code"]) == 12
    assert petition.order_no == "12345-20260302-0001" and petition.channel == Channel.HOTLINE_12345
    assert petition.received_at == dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    assert petition.case.area == county and petition.case.application_date == dt.date(2026, 3, 2)
    party = petition.case.applicants.get(role="petitioner")
    assert (party.name, party.phone) == (NAME, PHONE)
    # the token's service account received it: the audit trail names the token
    account = apps.get_model("api", "ApiToken").objects.get(name="12345-platform").account
    event = AuditEvent.objects.get(object_type="petitions.petition", action="create")
    assert event.actor_id == account.pk


def test_the_same_order_again_answers_200_with_the_same_record(post: Callable[..., Any]) -> None:
    first = post(order()).json()
    again = post(order(subject="另一个标题", content="同一工单再次推送"))
    assert again.status_code == 200
    assert again.json() == {**first, "duplicate": True}
    assert Petition.objects.count() == 1 and Case.objects.count() == 1
    assert Petition.objects.get().subject == "独生子女父母奖励未发放"  # the first record stands
    other = post(order(order_no="12345-20260302-0002"))
    assert other.status_code == 201 and other.json()["tracking_code"] != first["tracking_code"]


@pytest.mark.parametrize(("received_at", "regime", "acceptance_due"), [
    ("2022-04-28T10:30:00+08:00", "petition-reg-2005", "2022-05-13"),
    ("2022-05-02T10:30:00+08:00", "petition-work-reg-2022", "2022-05-17"),
    # the day received is China's: 16:30 UTC on 30 April is 00:30 on 1 May in China (the 2022 regulation's first day)
    ("2022-04-30T16:30:00+00:00", "petition-work-reg-2022", "2022-05-16"),
    ("2022-04-30T23:30:00+08:00", "petition-reg-2005", "2022-05-16"),  # 15 days: Sunday 15 May → Monday
])
def test_the_regulation_and_acceptance_due_follow_the_day_received(
        post: Callable[..., Any], received_at: str, regime: str, acceptance_due: str) -> None:
    body = post(order(received_at=received_at)).json()
    assert (body["regime"], body["acceptance_due"]) == (regime, acceptance_due)
    petition = Petition.objects.get()
    assert petition.regime == regime
    clock = petition.case.clocks.get(kind="acceptance")
    assert clock.due == dt.date.fromisoformat(acceptance_due)
    assert clock.basis.startswith(regime + "/")


@pytest.mark.parametrize(("change", "field"), [
    ({"order_no": None}, "order_no"),
    ({"channel": None}, "channel"),
    ({"received_at": None}, "received_at"),
    ({"subject": None}, "subject"),
    ({"content": None}, "content"),
    ({"petitioner": None}, "petitioner"),
    ({"petitioner": {"phone": PHONE}}, "name"),
    ({"channel": "110"}, "channel"),
    ({"received_at": "2026-02-30T09:00:00+08:00"}, "received_at"),
    ({"received_at": "2026-13-01T09:00:00+08:00"}, "received_at"),
    ({"subject": ""}, "subject"),
    ({"subject": "长" * 201}, "subject"),
])
def test_a_missing_or_impossible_field_is_refused_naming_it(post: Callable[..., Any], change: dict[str, Any],
                                                             field: str) -> None:
    body = order(**change)
    body = {k: v for k, v in body.items() if v is not None}
    response = post(body)
    assert response.status_code == 422, response.content
    assert field in [str(part) for error in response.json()["detail"] for part in error["loc"]]
    assert not Petition.objects.exists()


@pytest.mark.parametrize(("change", "message"), [
    ({"received_at": "2026-03-02T09:00:00"}, "received_at: 收到时间须带时区"),
    ({"received_at": "2026-11-17T09:00:00+08:00"}, "received_at: 收到时间晚于现在"),
    ({"received_at": "2004-12-31T09:00:00+08:00"}, "received_at: "),
    ({"order_no": "   "}, "order_no: 工单号不能为空"),
    ({"petitioner": {"name": " ", "phone": PHONE}}, "petitioner.name: "),
    ({"petitioner": {"name": NAME, "phone": PHONE, "id_number": "320585199001011230"}},
     "petitioner.id_number: 校验码应为"),
    ({"area_code": "999999"}, "area_code: 未知的地区"),
    ({"area_code": "110101"}, "area_code: 未知的地区"),  # a real code outside the receiving body's area
])
def test_bad_input_answers_400_naming_the_field(post: Callable[..., Any], change: dict[str, Any], message: str,
                                                 caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    response = post(order(**change))
    assert response.status_code == 400, response.content
    assert response.json()["detail"].startswith(message)
    assert not Petition.objects.exists()
    assert "320585199001011230" not in response.content.decode()
    _nothing_personal_logged(caplog, NAME, PHONE, "320585199001011230")


def test_a_body_that_is_not_json_is_refused(post: Callable[..., Any]) -> None:
    assert post("{not json").status_code == 400
    assert not Petition.objects.exists()


def test_an_id_number_and_area_code_are_taken(post: Callable[..., Any]) -> None:
    number = make_id_number("320585", dt.date(1965, 4, 1), 21)
    response = post(order(petitioner={"name": NAME, "phone": PHONE, "id_number": number.lower()},
                          area_code="320585111000"))
    assert response.status_code == 201
    petition = Petition.objects.get()
    assert petition.case.applicants.get(role="petitioner").id_number == number
    assert petition.concerned_area.code == "320585111000"


def test_every_contract_channel_is_taken(post: Callable[..., Any]) -> None:
    channels = {"12345": "hotline_12345", "12356": "hotline_12356", "service-line": "service_line", "web": "web",
                "letter": "letter", "visit": "visit", "forum": "forum"}
    for i, api_channel in enumerate(channels):
        assert post(order(order_no=f"WO-{i}", channel=api_channel)).status_code == 201
    assert dict(Petition.objects.values_list("order_no", "channel")) == {
        f"WO-{i}": channel for i, channel in enumerate(channels.values())}


def test_a_missing_wrong_or_revoked_token_answers_401(post: Callable[..., Any], token: str) -> None:
    body = json.dumps(order())
    assert Client().post(URL, body, content_type="application/json").status_code == 401
    for header in (f"Bearer {token}x", f"Bearer {token[:8]}", "Bearer ", f"Basic {token}", token):
        response = Client().post(URL, body, content_type="application/json", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
    assert Client().get(f"{URL}/12345-20260302-0001").status_code == 401
    assert get("12345-20260302-0001", token + "x").status_code == 401
    assert not Petition.objects.exists()

    assert post(order()).status_code == 201
    api_token("revoke", "--name", "12345-platform")
    assert post(order(order_no="WO-after-revoke")).status_code == 401
    assert get("12345-20260302-0001", token).status_code == 401
    assert Petition.objects.count() == 1


def test_a_staff_session_is_not_a_token(make_user: Any, county: Any) -> None:
    clerk = login(Client(), make_user("petition_clerk", county))
    assert clerk.post(URL, json.dumps(order()), content_type="application/json").status_code == 403
    assert clerk.get(f"{URL}/12345-20260302-0001").status_code == 403
    assert not Petition.objects.exists()


def test_the_api_is_not_blocked_by_csrf(post: Callable[..., Any]) -> None:
    response = post(order(), client=Client(enforce_csrf_checks=True))
    assert response.status_code == 201


def test_get_reads_back_status_reply_and_satisfaction(post: Callable[..., Any], token: str) -> None:
    created = post(order()).json()
    response = get("12345-20260302-0001", token)
    assert response.status_code == 200
    assert response.json() == {"tracking_code": created["tracking_code"], "status": "registered",
                               "status_label": "已登记", "regime": "petition-work-reg-2022",
                               "acceptance_due": "2026-03-17", "conclusion_due": None, "reply": None,
                               "satisfaction": None}

    petition = Petition.objects.get()
    reply = PetitionReply.objects.create(petition=petition, round="original", text="经核实，已于3月补发。",
                                         sent_on=dt.date(2026, 3, 20), channel="hotline_12345")
    assert get("12345-20260302-0001", token).json()["reply"] == {"text": "经核实，已于3月补发。",
                                                                  "replied_on": "2026-03-20"}
    assert get("12345-20260302-0001", token).json()["satisfaction"] is None
    FollowUp.objects.create(petition=petition, round=reply.round, result="basically", on=dt.date(2026, 3, 25))
    assert get("12345-20260302-0001", token).json()["satisfaction"] == "basically"


def test_get_of_an_unknown_order_answers_404(post: Callable[..., Any], token: str, receive: Any) -> None:
    assert get("12345-nope", token).status_code == 404
    receive(dt.date(2026, 3, 2))  # registered at the desk, no work-order number: never reachable here
    assert get("", token).status_code in (404, 405)
    assert get("%20", token).status_code == 404


def test_another_token_of_the_scope_reads_the_order(post: Callable[..., Any]) -> None:
    created = post(order()).json()
    other = api_token("create", "--name", "12356-hotline", "--scope", "petitions")
    response = get("12345-20260302-0001", other)
    assert response.status_code == 200 and response.json()["tracking_code"] == created["tracking_code"]
    again = post(order(), bearer=other)
    assert again.status_code == 200 and again.json()["duplicate"] is True


def test_the_openapi_schema_documents_the_operations_and_the_bearer_scheme() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    create = schema["paths"]["/api/v1/petitions/work-orders"]["post"]
    read = schema["paths"]["/api/v1/petitions/work-orders/{order_no}"]["get"]
    assert create["summary"] == "登记热线工单（幂等）" and read["summary"] == "查询热线工单办理情况"
    assert "duplicate" in create["description"]
    assert set(create["responses"]) >= {"200", "201"}
    scheme_name = next(iter(create["security"][0]))
    assert read["security"] == create["security"]
    assert schema["components"]["securitySchemes"][scheme_name] == {"type": "http", "scheme": "bearer"}
    body = schema["components"]["schemas"]["WorkOrderIn"]
    assert set(body["required"]) == {"order_no", "channel", "received_at", "subject", "content", "petitioner"}
    assert set(body["properties"]["channel"]["enum"]) == {"12345", "12356", "service-line", "web", "letter",
                                                           "visit", "forum"}
    out = schema["components"]["schemas"]["WorkOrderOut"]["properties"]
    assert {"tracking_code", "status", "regime", "acceptance_due", "conclusion_due", "duplicate"} <= set(out)
    status = schema["components"]["schemas"]["WorkOrderStatusOut"]["properties"]
    assert {"tracking_code", "status", "conclusion_due", "reply", "satisfaction"} <= set(status)


def _nothing_personal_logged(caplog: Any, *values: str) -> None:
    for record in caplog.records:
        text = record.getMessage() + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        for value in values:
            assert value not in text, f"{record.name}: personal data in the log"


def test_get_reads_the_reply_masked_as_the_tracking_page_shows_it(post: Callable[..., Any], token: str) -> None:
    number = make_id_number("320585", dt.date(1965, 4, 1), 21)
    post(order(petitioner={"name": NAME, "phone": PHONE, "id_number": number}))
    petition = Petition.objects.get()
    PetitionReply.objects.create(petition=petition, round="original", channel="hotline_12345",
                                 sent_on=dt.date(2026, 3, 20), text=f"{NAME}（{PHONE}，{number}）：经核实，已补发。")
    text = get("12345-20260302-0001", token).json()["reply"]["text"]
    assert text == f"欧阳**（138****5678，320585********{number[-4:]}）：经核实，已补发。"
