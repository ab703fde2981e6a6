"""Case pages under misuse: hand-made POSTs and file names must not bypass the engine's rules."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from jisheng.accounts.roles import Role
from jisheng.cases import services
from jisheng.cases.models import CaseDecision, CaseStep
from tests.conftest import login


@pytest.mark.django_db
def test_a_hand_made_grant_on_the_action_endpoint_decides_nothing(test_types: dict[str, str], town_a: Any,
                                                                   county: Any, actor_for: Any, make_user: Any,
                                                                   client: Any) -> None:
    officer = actor_for("cases.change")
    case = services.case_create(case_type=test_types["licensing"], area=town_a, application_date=dt.date(2013, 6, 3),
                                actor=officer)
    services.case_transition(case, action="accept", actor=officer)
    services.case_transition(case, action="give_town_opinion", actor=officer)
    login(client, make_user(Role.CITY_ADMIN, county))
    for action in ("grant", "refuse"):
        response = client.post(f"/cases/{case.number}/action/", {"action": action, "opinion": ""}, follow=True)
        assert response.status_code == 200
        assert "作出决定须使用决定表单" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "town_reviewed"
    assert not CaseDecision.objects.filter(case=case).exists()
    assert not CaseStep.objects.filter(case=case, action__in=("grant", "refuse")).exists()
    # the decide form still works and records the decision with its reasons
    client.post(f"/cases/{case.number}/decide/", {"outcome": "granted", "reasons": "符合规定", "provision_keys": "x/y"})
    case.refresh_from_db()
    assert case.status == "granted" and case.decision.reasons == "符合规定"


@pytest.mark.django_db
def test_an_uploaded_file_is_stored_under_a_neutral_name(test_types: dict[str, str], town_a: Any,
                                                         actor_for: Any) -> None:
    officer = actor_for("cases.change")
    case = services.case_create(case_type=test_types["licensing"], area=town_a, application_date=dt.date(2013, 6, 3),
                                actor=officer, facts={"_materials": [["id-card", "身份证"]]})
    content = b"%PDF-1.4 scanned"
    doc = services.case_attach_document(case, kind="id-card", name="王小红_320585198604020022_13800138000.PDF",
                                        stream=io.BytesIO(content), size=len(content), actor=officer)
    stored = doc.file.name.rsplit("/", 1)[-1]
    assert "王小红" not in doc.file.name and "320585198604020022" not in doc.file.name
    assert "13800138000" not in doc.file.name
    assert stored.startswith(f"{case.number}-id-card-") and stored.endswith(".pdf")


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{"op": "suspend", "reason": "鉴定"}, {"op": "resume"},
                                  {"op": "extend", "reason": "x"}])
def test_a_clock_form_without_its_day_is_a_message_not_a_server_error(data: dict[str, str], town_a: Any,
                                                                      county: Any, make_user: Any,
                                                                      client: Any) -> None:
    from jisheng.cases import types
    from jisheng.cases.types import CaseType, ClockRule
    from jisheng.cases.workflows import LICENSING

    types.register(CaseType(key="test_clock_form", label="测试", workflow=LICENSING, number_prefix="TF", clock_rules=(
        ClockRule("decision", "决定", start_on="create", stop_on=frozenset({"grant"}), amount=20),)))
    try:
        case = services.case_create(case_type="test_clock_form", area=town_a, application_date=dt.date(2013, 6, 3),
                                    actor=make_user(Role.TOWN_OFFICER, town_a))
        login(client, make_user(Role.CITY_ADMIN, county))
        response = client.post(f"/cases/{case.number}/clock/", {"kind": "decision", **data}, follow=True)
        assert response.status_code == 200
        assert "期限操作的参数不完整" in response.content.decode()
        assert not case.clocks.get().suspensions.exists() and not case.clocks.get().extension
    finally:
        types._types.pop("test_clock_form", None)


@pytest.mark.django_db
def test_nul_characters_in_case_urls_are_no_server_error(town_a: Any, make_user: Any, client: Any) -> None:
    """PostgreSQL refuses NUL in text (a 500 there): core's RejectNulMiddleware answers 400 before any query."""
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    assert client.get("/cases/", {"type": "\x00", "status": "\x00"}).status_code == 400
    assert client.get("/cases/ZS2013-0\x00/").status_code == 400
    assert client.get("/cases/ZS2013-0\x00/documents/1/").status_code == 400
    assert client.get("/cases/", {"type": "", "status": ""}).status_code == 200


@pytest.mark.django_db
def test_an_unpublished_grant_appears_among_the_deadlines_at_risk(town_a: Any, actor_for: Any) -> None:
    from jisheng.cases import types
    from jisheng.cases.types import CaseType, ClockRule
    from jisheng.cases.workbench import workbench_items
    from jisheng.cases.workflows import LICENSING
    from jisheng.core import clock

    types.register(CaseType(key="test_pub_wb", label="测试", workflow=LICENSING, number_prefix="TW", clock_rules=(
        ClockRule("publication", "准予决定公开", start_on="grant", stop_on=frozenset(), amount=7),)))
    try:
        town, county = actor_for("cases.change"), actor_for("cases.decide")
        case = services.case_create(case_type="test_pub_wb", area=town_a, application_date=dt.date(2013, 6, 3),
                                    actor=town)
        services.case_transition(case, action="accept", actor=town)
        services.case_transition(case, action="give_town_opinion", actor=town)
        with clock.frozen(dt.date(2013, 6, 20)):
            services.case_decide(case, outcome="granted", reasons="符合", provision_keys=["k"], actor=county)
        with clock.frozen(dt.date(2013, 6, 28)):  # due 2013-07-01, three days ahead
            at_risk = [t.label for t in workbench_items(town).deadlines_at_risk]
        assert at_risk == [f"{case.number} 准予决定公开"]
    finally:
        types._types.pop("test_pub_wb", None)


@pytest.mark.django_db
def test_an_application_date_after_today_is_refused(test_types: dict[str, str], town_a: Any, actor_for: Any) -> None:
    from jisheng.cases.models import Case
    from jisheng.core import clock
    from jisheng.core.errors import InvalidInput

    with clock.frozen(dt.date(2013, 6, 3)), pytest.raises(InvalidInput, match="申请日期 2031-06-03 晚于今天"):
        services.case_create(case_type=test_types["licensing"], area=town_a, application_date=dt.date(2031, 6, 3),
                             actor=actor_for("cases.change"))
    assert not Case.objects.exists()
