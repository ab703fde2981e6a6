"""Case pages under misuse and in daily use: hand-made POSTs and file names must not bypass the engine's rules;
the pages show who, what and when in words."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client

from jisheng.accounts.roles import Role
from jisheng.cases import services
from jisheng.cases.models import Case, CaseDecision, CaseStep
from jisheng.cases.types import ClockRule, MaterialSpec
from jisheng.core import clock
from jisheng.core.errors import InvalidInput
from tests.conftest import login

PDF = b"%PDF-1.4 scanned"


def _reviewed(key: str, town_a: Any, officer: Any) -> Case:
    case = services.case_create(case_type=key, area=town_a, application_date=dt.date(2013, 6, 3), actor=officer)
    services.case_transition(case, action="accept", actor=officer)
    services.case_transition(case, action="review", actor=officer)
    return case


@pytest.mark.django_db
def test_a_hand_made_grant_on_the_action_endpoint_decides_nothing(toy: str, town_a: Any, county: Any,
                                                                   actor_for: Any, make_user: Any,
                                                                   client: Any) -> None:
    with clock.frozen(dt.date(2013, 6, 20)):
        case = _reviewed(toy, town_a, actor_for("change"))
        login(client, make_user(Role.CITY_ADMIN, county))
        for action in ("grant", "refuse", "complete_legal_review"):
            response = client.post(f"/cases/{case.number}/action/", {"action": action, "opinion": ""}, follow=True)
            assert response.status_code == 200
            assert "须使用" in response.content.decode()
        case.refresh_from_db()
        assert case.status == "reviewed"
        assert not CaseDecision.objects.filter(case=case).exists()
        assert not CaseStep.objects.filter(case=case, action__in=("grant", "refuse")).exists()
        # the decide form refuses free text and records a decision on a provision picked from the catalogue
        client.post(f"/cases/{case.number}/decide/", {"outcome": "granted", "reasons": "符合规定",
                                                     "provision_keys": "江苏条例第二十二条"})
        assert not CaseDecision.objects.filter(case=case).exists()
        client.post(f"/cases/{case.number}/decide/", {"outcome": "granted", "reasons": "符合规定",
                                                     "provision_keys": ["admin-licensing-law-2003/art-38"]})
    case.refresh_from_db()
    assert case.status == "granted" and case.decision.reasons == "符合规定"


@pytest.mark.django_db
def test_the_decision_form_offers_the_provisions_in_force_in_words(toy: str, town_a: Any, county: Any,
                                                                   actor_for: Any, make_user: Any,
                                                                   client: Any) -> None:
    with clock.frozen(dt.date(2026, 11, 16)):
        case = services.case_create(case_type=toy, area=town_a, application_date=dt.date(2026, 11, 2),
                                    actor=actor_for("change"))
        Case.objects.filter(pk=case.pk).update(status="reviewed")
        login(client, make_user(Role.CITY_ADMIN, county))
        page = client.get(f"/cases/{case.number}/").content.decode()
        assert 'id="basis-picker"' in page and "请输入法规名称、条号或关键词查找" in page  # no proposal: search
        fragment = client.get(f"/cases/{case.number}/provisions/", {"q": "信访"}).content.decode()
        licensing = client.get(f"/cases/{case.number}/provisions/", {"q": "行政许可法"}).content.decode()
    assert "信访工作条例" in fragment and "value=\"petition-reg-2005/" not in fragment
    assert "《中华人民共和国行政许可法》第38条" in licensing
    assert 'value="admin-licensing-law-2003/' not in licensing  # the 2003 text is no longer in force in 2026


@pytest.mark.django_db
def test_an_uploaded_file_is_stored_under_a_neutral_name_and_replaced_with_history(
        register_type: Any, town_a: Any, actor_for: Any) -> None:
    key = register_type(materials=lambda facts, as_of: [MaterialSpec("id-card", "身份证")]).key
    officer = actor_for("change")
    case = services.case_create(case_type=key, area=town_a, application_date=dt.date(2013, 6, 3), actor=officer)
    doc = services.case_attach_document(case, kind="id-card", name="王小红_320585198604020022_13800138000.PDF",
                                        stream=io.BytesIO(PDF), size=len(PDF), actor=officer)
    stored = doc.file.name.rsplit("/", 1)[-1]
    assert "王小红" not in doc.file.name and "320585198604020022" not in doc.file.name
    assert "13800138000" not in doc.file.name
    assert stored.startswith(f"{case.number}-id-card-") and stored.endswith(".pdf")
    with pytest.raises(InvalidInput, match="替换理由"):
        services.case_attach_document(case, kind="", name="b.pdf", stream=io.BytesIO(PDF + b"2"), size=len(PDF) + 1,
                                      actor=officer, replaces=doc)
    new = services.case_attach_document(case, kind="", name="b.pdf", stream=io.BytesIO(PDF + b"2"),
                                        size=len(PDF) + 1, actor=officer, replaces=doc, reason="原扫描件不清晰")
    doc.refresh_from_db()
    assert (doc.active, doc.withdrawn_reason, new.kind, new.replaces) == (False, "原扫描件不清晰", "id-card", doc)
    assert case.materials.get().provided
    services.case_withdraw_document(case, document=new, reason="交错了案件", actor=officer)
    assert not case.materials.get().provided
    assert case.documents.count() == 2  # nothing is deleted: both stay in the file, inactive
    with pytest.raises(InvalidInput):
        services.case_withdraw_document(case, document=new, reason="再撤", actor=officer)


@pytest.mark.django_db
def test_a_special_record_is_kept_once_and_corrected_by_replacement(toy: str, town_a: Any, actor_for: Any) -> None:
    officer = actor_for("change")
    case = services.case_create(case_type=toy, area=town_a, application_date=dt.date(2013, 6, 3), actor=officer)
    first = services.case_attach_document(case, kind="grassroots_forum", name="a.pdf", stream=io.BytesIO(PDF),
                                          size=len(PDF), actor=officer)
    for _ in range(3):  # a double click, a second tab, a retry: refused, not seven copies
        with pytest.raises(InvalidInput, match="替换原文件"):
            services.case_attach_document(case, kind="grassroots_forum", name="a.pdf", stream=io.BytesIO(PDF),
                                          size=len(PDF), actor=officer)
    services.case_attach_document(case, kind="", name="b.pdf", stream=io.BytesIO(PDF), size=len(PDF), actor=officer,
                                  replaces=first, reason="补签名")
    assert case.documents.filter(kind="grassroots_forum", active=True).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{"op": "suspend", "reason": "鉴定"}, {"op": "resume"},
                                  {"op": "extend", "reason": "x"}])
def test_a_clock_form_without_its_day_is_a_message_not_a_server_error(data: dict[str, str], register_type: Any,
                                                                      town_a: Any, county: Any, make_user: Any,
                                                                      client: Any) -> None:
    key = register_type(key="toy_clock_form", prefix="TF", clock_rules=(
        ClockRule("decision", "决定", starts_on="received", stop_on=frozenset({"action:grant"}), amount=20),)).key
    case = services.case_create(case_type=key, area=town_a, application_date=dt.date(2013, 6, 3),
                                actor=make_user(Role.TOWN_OFFICER, town_a))
    login(client, make_user(Role.CITY_ADMIN, county))
    response = client.post(f"/cases/{case.number}/clock/", {"kind": "decision", **data}, follow=True)
    assert response.status_code == 200
    assert "期限操作的参数不完整" in response.content.decode()
    assert not case.clocks.get().suspensions.exists() and not case.clocks.get().extensions.exists()


@pytest.mark.django_db
def test_nul_characters_in_case_urls_are_no_server_error(town_a: Any, make_user: Any, client: Any) -> None:
    """PostgreSQL refuses NUL in text (a 500 there): core's RejectNulMiddleware answers 400 before any query."""
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    assert client.get("/cases/", {"type": "\x00", "status": "\x00"}).status_code == 400
    assert client.get("/cases/ZS2013-0\x00/").status_code == 400
    assert client.get("/cases/ZS2013-0\x00/documents/1/").status_code == 400
    assert client.get("/cases/", {"type": "", "status": ""}).status_code == 200


@pytest.mark.django_db
def test_deadlines_at_risk_say_the_days_left_and_the_module(register_type: Any, town_a: Any,
                                                            actor_for: Any, make_user: Any) -> None:
    from jisheng.cases.workbench import workbench_items

    key = register_type(key="toy_wb", prefix="TW", clock_rules=(
        ClockRule("decision", "决定", starts_on="received", stop_on=frozenset({"action:grant"}), amount=7),)).key
    town = actor_for("change")
    with clock.frozen(dt.date(2013, 6, 3)):
        case = services.case_create(case_type=key, area=town_a, application_date=dt.date(2013, 6, 3), actor=town)
    with clock.frozen(dt.date(2013, 6, 10)):  # due 2013-06-13 (端午 10–12 June, make-up 8–9 June)
        items = {i.module: i for i in workbench_items(town)}
    assert [(t.label, t.module, t.overdue) for t in items["toys"].deadlines_at_risk] == [
        (f"{case.number} 决定（剩 3 天）", "玩具", False)]
    assert (items["toys"].counts, items["licensing"].counts) == ({"在办案件": 1}, {"在办案件": 0})
    with clock.frozen(dt.date(2013, 6, 18)):
        late = {i.module: i for i in workbench_items(town)}["toys"].deadlines_at_risk
        assert [(t.label, t.overdue) for t in late] == [(f"{case.number} 决定（已超期 5 天）", True)]
        # a legal reviewer or an auditor reads the case but does not act on its clocks: nothing at risk for them
        for reader in (actor_for("legal_review"), make_user(Role.AUDITOR, town_a)):
            assert all(i.deadlines_at_risk == [] for i in workbench_items(reader))


@pytest.mark.django_db
def test_an_application_date_after_today_is_refused(toy: str, town_a: Any, actor_for: Any) -> None:
    with clock.frozen(dt.date(2013, 6, 3)), pytest.raises(InvalidInput, match="申请日期 2031-06-03 晚于今天"):
        services.case_create(case_type=toy, area=town_a, application_date=dt.date(2031, 6, 3),
                             actor=actor_for("change"))
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_case_of_a_type_the_role_does_not_handle_is_not_found(toy: str, town_a: Any, make_user: Any,
                                                                 actor_for: Any, client: Any) -> None:
    case = services.case_create(case_type=toy, area=town_a, application_date=dt.date(2013, 6, 3),
                                actor=actor_for("change"))
    login(client, make_user(Role.PETITION_CLERK, town_a))
    assert client.get(f"/cases/{case.number}/").status_code in (403, 404)
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    assert client.get(f"/cases/{case.number}/").status_code == 200


@pytest.mark.django_db
def test_case_writes_carry_the_request_address_and_id(toy: str, town_a: Any, actor_for: Any, client: Any) -> None:
    """The services write in audit.acting: the events of a step taken through a page keep the request's client
    address and one request id (they used to be written with ip NULL)."""
    from jisheng.core.models import AuditEvent

    officer = actor_for("change")
    case = services.case_create(case_type=toy, area=town_a, application_date=dt.date(2013, 6, 3), actor=officer)
    login(client, officer)
    before = AuditEvent.objects.count()
    client.post(f"/cases/{case.number}/special/", {"reason": "情形复杂"}, REMOTE_ADDR="10.8.1.23")
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert events and {e.ip for e in events} == {"10.8.1.23"}
    assert len({e.request_id for e in events}) == 1 and all(e.actor == officer for e in events)


@pytest.mark.django_db
def test_a_refused_step_is_told_in_words_without_the_forms_field_keys(toy: str, town_a: Any, county: Any,
                                                                      actor_for: Any, make_user: Any,
                                                                      client: Any) -> None:
    with clock.frozen(dt.date(2013, 6, 20)):
        case = _reviewed(toy, town_a, actor_for("change"))
        login(client, make_user(Role.CITY_ADMIN, county))
        page = client.post(f"/cases/{case.number}/decide/", {
            "outcome": "granted", "reasons": "符合规定", "provision_keys": "江苏条例第二十二条"}, follow=True)
        text = page.content.decode()
        assert "法律依据“江苏条例第二十二条”不是法规库中的条款" in text and "provision_keys:" not in text
    with clock.frozen(dt.date(2013, 6, 25)):
        page = client.post(f"/cases/{case.number}/decide/", {
            "outcome": "granted", "reasons": "符合规定", "provision_keys": "admin-licensing-law-2003/art-38",
            "on": "2013-06-21"}, follow=True)
        text = page.content.decode()
        assert "补录 2013-06-21 的历史环节须写明补录理由" in text and "backdate_reason:" not in text


@pytest.mark.django_db
def test_the_pick_list_of_a_back_dated_decision_holds_the_law_in_force_on_that_date(
        toy: str, town_a: Any, county: Any, actor_for: Any, make_user: Any, client: Any) -> None:
    """A 2013 paper decision entered today is checked against the law of 2013 (the service), so the pick-list
    offers the law of the decision date the form names, not today's."""
    with clock.frozen(dt.date(2026, 11, 16)):
        case = services.case_create(case_type=toy, area=town_a, application_date=dt.date(2013, 6, 3),
                                    actor=actor_for("change"))
        Case.objects.filter(pk=case.pk).update(status="reviewed")
        login(client, make_user(Role.CITY_ADMIN, county))
        page = client.get(f"/cases/{case.number}/").content.decode()
        then = client.get(f"/cases/{case.number}/provisions/", {"q": "行政许可法 决定", "on": "2013-06-21"})
        today = client.get(f"/cases/{case.number}/provisions/", {"q": "行政许可法 决定", "on": "not a date"})
    assert 'hx-include="#basis-picker, #decide_on"' in page and "change from:#decide_on" in page
    assert 'name="on" id="decide_on"' in page
    assert 'value="admin-licensing-law-2003/art-38"' in then.content.decode()
    assert 'value="admin-licensing-law-2019/' not in then.content.decode()
    assert 'value="admin-licensing-law-2019/art-38"' in today.content.decode()  # no date given: today's law


@pytest.mark.django_db
def test_a_type_whose_panel_takes_the_steps_gets_no_generic_decision_record_or_clock_form(
        register_type: Any, town_a: Any, county: Any, actor_for: Any, make_user: Any, client: Any) -> None:
    """``steps_in_panel``: the engine's page offers no generic decision, record, clock or special-case form for the
    type, and hand-made POSTs to those endpoints change nothing (a petition's opinion, notices and extensions must
    go through petitions' services, which also file the papers and tell the petitioner)."""
    from jisheng.cases.types import RecordKind

    key = register_type(key="toy_panel", prefix="TP", steps_in_panel=True,
                        records=(RecordKind("note", "备注", needs_text=True),),
                        clock_rules=(ClockRule("decision", "决定", starts_on="received", unit="calendar", amount=20,
                                               stop_on=frozenset({"action:grant", "action:refuse"}),
                                               max_extension=10),)).key
    with clock.frozen(dt.date(2013, 6, 20)):
        case = _reviewed(key, town_a, actor_for("change"))
        login(client, make_user(Role.CITY_ADMIN, county))
        page = client.get(f"/cases/{case.number}/").content.decode()
        for form in ("/decide/", "/record/", "/clock/", "/special/"):
            assert f'action="/cases/{case.number}{form}"' not in page, form
        answers = [
            client.post(f"/cases/{case.number}/decide/", {"outcome": "granted", "reasons": "符合规定",
                                                         "provision_keys": ["admin-licensing-law-2003/art-38"]}),
            client.post(f"/cases/{case.number}/record/", {"kind": "note", "text": "x", "on": "2013-06-20"}),
            client.post(f"/cases/{case.number}/clock/", {"op": "extend", "kind": "decision", "days": 5,
                                                        "reason": "复杂", "day": "2013-06-20"}),
            client.post(f"/cases/{case.number}/special/", {"reason": "x"}),
        ]
    assert all(r.status_code == 302 for r in answers)
    case.refresh_from_db()
    assert case.status == "reviewed" and not case.is_special
    assert not CaseDecision.objects.filter(case=case).exists()
    assert not case.records.exists() and not case.clocks.get(kind="decision").extensions.exists()


@pytest.mark.django_db
def test_a_viewer_who_does_not_handle_the_case_reads_its_texts_with_the_parties_masked(
        register_type: Any, town_a: Any, county: Any, actor_for: Any, make_user: Any) -> None:
    """A leader (views, does not handle) reads the summary, the decision's reasons, the steps' opinions and the
    history with the parties' names, ID numbers and phones masked, as the party list shows them; the handler reads
    them in full."""
    from jisheng.cases.types import Party

    key = register_type(key="toy_texts", prefix="TT",
                        parties=(Party("applicant", "申请人", registry=False, required=True),)).key
    officer = actor_for("change")
    with clock.frozen(dt.date(2013, 6, 20)):
        case = services.case_create(case_type=key, area=town_a, application_date=dt.date(2013, 6, 3), actor=officer,
                                    outside_parties=[{"role": "applicant", "name": "欧阳娜娜"}],
                                    summary="欧阳娜娜申请，电话13800138000")
        services.case_transition(case, action="accept", actor=officer, opinion="欧阳娜娜材料齐全")
        services.case_transition(case, action="review", actor=officer, opinion="经核实")
        services.case_decide(case, outcome="granted", reasons="欧阳娜娜（320585199001011234）符合规定",
                             provision_keys=["admin-licensing-law-2003/art-38"], actor=actor_for("decide"))
        leader = login(Client(), make_user(Role.LEADER, county)).get(f"/cases/{case.number}/").content.decode()
        handler = login(Client(), officer).get(f"/cases/{case.number}/").content.decode()
    for secret in ("欧阳娜娜", "13800138000", "320585199001011234"):
        assert secret not in leader, secret
        assert secret in handler, secret
    assert "欧阳**材料齐全" in leader and "138****8000" in leader and "320585********1234" in leader
