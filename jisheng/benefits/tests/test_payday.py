"""A finance officer's payday gone wrong: odd return files, rolls opened for the wrong month or area,
approval racing a regeneration. Each test is the regression test of a fix found in review."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jisheng.benefits import bankfiles, payroll, services
from jisheng.benefits.enums import LineStatus, RollStatus, RunStatus
from jisheng.benefits.models import PaymentRoll, RollLine, RollRun
from jisheng.core import clock
from jisheng.core.errors import InvalidInput, TransitionNotAllowed

from .factories import approved_enrolment
from .test_payroll import _return_file, _roll

M = dt.date


@pytest.fixture
def finance(make_user: Any, county: Any) -> tuple[Any, Any]:
    return make_user("finance_officer", county), make_user("finance_officer", county)


def _exported(village_a: Any, county: Any, finance: tuple[Any, Any]) -> tuple[PaymentRoll, list[RollLine]]:
    maker, checker = finance
    approved_enrolment(village_a)
    approved_enrolment(village_a)
    roll = _roll("special-assistance", M(2026, 11, 1), county, maker)
    services.roll_approve(roll, actor=checker)
    services.roll_export(roll, layout=bankfiles.layout_for(fmt="csv"), actor=maker)
    return roll, list(roll.lines.order_by("id"))


@pytest.mark.parametrize("content", [
    "流水号,结果\n²,成功\n",                                    # isdigit() but not a number: was a 500
    "流水号,结果\n" + "9" * 30 + ",成功\n",                     # overflowed the id column: was a 500
    "流水号,结果,失败原因\n1,失败," + "x" * 200_000 + "\n",     # csv field limit: was a 500
    "流水号,金额,结果\n1,Infinity,成功\n",                      # not finite: yuan() raised ValueError
    "流水号,金额,结果\n1,sNaN,成功\n",
])
def test_a_malformed_return_file_is_refused_with_a_message_and_changes_nothing(village_a, county, finance, content):
    roll, _lines = _exported(village_a, county, finance)
    with pytest.raises(InvalidInput) as err:
        services.roll_import_returns(roll, content=content.encode(), filename="回盘.csv", actor=finance[0])
    assert err.value.location == "回盘.csv"
    assert set(roll.lines.values_list("status", flat=True)) == {LineStatus.PENDING}
    assert roll.return_imports.count() == 0


def test_a_line_reported_twice_in_one_return_file_refuses_the_file(village_a, county, finance):
    """A duplicated row used to count one payment as paid twice, or let the last of two contradictory
    rows win silently (paid then failed → failed)."""
    roll, (a, b) = _exported(village_a, county, finance)
    for second in ("成功", "失败"):
        content = _return_file([(a.pk, a.bank_account, "500.00", "成功"), (b.pk, b.bank_account, "500.00", "成功"),
                                (a.pk, a.bank_account, "500.00", second)])
        with pytest.raises(InvalidInput) as err:
            services.roll_import_returns(roll, content=content, filename="r.csv", actor=finance[0])
        assert f"row 4, 流水号: {a.pk} already reported in row 2" in str(err.value)
        assert set(roll.lines.values_list("status", flat=True)) == {LineStatus.PENDING}


def test_nul_characters_in_a_return_file_are_dropped_not_sent_to_the_database(village_a, county, finance):
    roll, (a, b) = _exported(village_a, county, finance)
    content = f"流水号,结果,失败原因\n{a.pk},失败,账户\x00冻结\n{b.pk},成功,\n".encode()
    record = services.roll_import_returns(roll, content=content, filename="r.csv", actor=finance[0])
    assert (record.paid, record.failed) == (1, 1)
    assert RollLine.objects.get(pk=a.pk).failure_reason == "账户冻结"


# --- rolls opened for the wrong month or area; approval racing a regeneration ------------------------------


def test_a_roll_for_a_month_to_come_is_refused(county, finance):
    """Approving it would close a month whose deaths and changes are not known yet."""
    with clock.frozen(M(2026, 11, 29)):
        with pytest.raises(InvalidInput) as err:
            services.roll_open(programme="special-assistance", month=M(2026, 12, 1), area=county, actor=finance[0])
        assert err.value.location == "month"
        assert services.roll_open(programme="special-assistance", month=M(2026, 11, 1), area=county,
                                  actor=finance[0]).month == M(2026, 11, 1)
    assert not PaymentRoll.objects.filter(month=M(2026, 12, 1)).exists()


def test_a_town_roll_beside_the_county_roll_of_the_same_month_is_refused(village_a, county, town_a, make_user,
                                                                        finance):
    """A town's roll used to take its people out of the county's roll of the month (the line constraint
    kept them from being paid twice, but the payer's roll silently missed them)."""
    town_finance = make_user("finance_officer", town_a)
    approved_enrolment(village_a)
    with clock.frozen(M(2026, 11, 29)):
        county_roll = _roll("special-assistance", M(2026, 11, 1), county, finance[0])
        with pytest.raises(InvalidInput) as err:
            services.roll_open(programme="special-assistance", month=M(2026, 11, 1), area=town_a,
                               actor=town_finance)
    assert f"#{county_roll.pk}" in str(err.value) and county_roll.line_count == 1
    assert PaymentRoll.objects.count() == 1


def test_a_roll_cannot_be_approved_while_its_generation_is_unfinished(village_a, county, finance):
    """Tab 1: the maker regenerates; tab 2: the checker approves. The approval used to close a roll whose
    lines were still being inserted, so it paid lines the checker never saw."""
    maker, checker = finance
    approved_enrolment(village_a)
    roll = _roll("special-assistance", M(2026, 11, 1), county, maker)
    run = RollRun.objects.create(roll=roll, step="generate", status=RunStatus.RUNNING, started_at=clock.now())
    with pytest.raises(TransitionNotAllowed):
        services.roll_approve(roll, actor=checker)
    with pytest.raises(TransitionNotAllowed):
        services.roll_return(roll, actor=checker)
    # lines added behind the checker's back (count/total no longer those shown) also block approval
    RollRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE)
    approved_enrolment(village_a)
    RollLine.objects.filter(roll=roll).update(amount=Decimal("400.00"))
    with pytest.raises(TransitionNotAllowed):
        services.roll_approve(roll, actor=checker)
    services.roll_generate(roll, actor=maker)
    roll.refresh_from_db()
    assert (roll.line_count, roll.total_amount) == (2, Decimal("900.00"))
    assert services.roll_approve(roll, actor=checker).status == RollStatus.APPROVED


def test_a_generation_chunk_after_approval_inserts_nothing(village_a, county, finance):
    maker, checker = finance
    approved_enrolment(village_a)
    roll = _roll("special-assistance", M(2026, 11, 1), county, maker)
    services.roll_approve(roll, actor=checker)
    approved_enrolment(village_a)
    with pytest.raises(TransitionNotAllowed):
        payroll.generate_lines(roll, actor=maker)   # a run already past roll_generate's status check
    assert roll.lines.count() == 1


# --- reports ----------------------------------------------------------------------------------------------------


def test_reports_count_approved_rolls_only_and_name_the_end_reason_in_words(client, village_a, county, finance):
    from io import BytesIO

    from django.urls import reverse
    from openpyxl import load_workbook

    from jisheng.registry import services as registry_services
    from tests.conftest import login

    maker, checker = finance
    approved_enrolment(village_a, start_month=M(2026, 9, 1))
    leaving = approved_enrolment(village_a, start_month=M(2026, 9, 1))
    registry_services.person_record_death(leaving.person, date=M(2026, 10, 20), actor=None)
    with clock.frozen(M(2026, 11, 29)):
        october = _roll("special-assistance", M(2026, 10, 1), county, maker)
        services.roll_approve(october, actor=checker)
        _roll("special-assistance", M(2026, 11, 1), county, maker)   # awaiting approval: not paid yet
        login(client, checker)
        page = client.get(reverse("benefits:reports"), {"month": "2026-11"}).content.decode()
        xlsx = load_workbook(BytesIO(client.get(reverse("benefits:reports"),
                                                {"month": "2026-11", "format": "xlsx"}).content))
    assert [[c.value for c in row] for row in xlsx["按月"].iter_rows(min_row=2)] == [
        ["2026-10", "计划生育家庭特别扶助", 2, 1000]]
    assert list(xlsx["按镇"].iter_rows(min_row=2)) == []
    assert [c.value for c in xlsx["新增与退出"][2]][-1] == "死亡" and "· 死亡</li>" in page
    assert "1000.00" in page and "death" not in page


# --- the command line -------------------------------------------------------------------------------------------


def test_every_cli_export_is_audited_and_a_repeated_return_import_says_nothing_changed(village_a, county, finance,
                                                                                      tmp_path):
    import io

    from django.core.management import call_command

    from jisheng.core.models import AuditEvent

    roll, (a, b) = _exported(village_a, county, finance)
    before = AuditEvent.objects.filter(action="export", object_type="benefits.rollline").count()
    for name in ("a.csv", "b.csv"):
        call_command("payroll", "export", "--roll", str(roll.pk), "--format", "csv", "--out",
                     str(tmp_path / name), stdout=io.StringIO())
    events = AuditEvent.objects.filter(action="export", object_type="benefits.rollline").order_by("id")
    assert events.count() == before + 2
    assert events.last().changes["filters"] == {"roll": roll.pk, "batch": 1, "layout": "csv-standard", "out": "b.csv"}
    returns = tmp_path / "r.csv"
    returns.write_bytes(_return_file([(a.pk, a.bank_account, "500.00", "成功"),
                                      (b.pk, b.bank_account, "500.00", "成功")]))
    first, second = io.StringIO(), io.StringIO()
    call_command("payroll", "import-returns", "--roll", str(roll.pk), str(returns), stdout=first)
    call_command("payroll", "import-returns", "--roll", str(roll.pk), str(returns), stdout=second)
    assert "paid 2, failed 0, unchanged 0" in first.getvalue()
    assert "already imported" in second.getvalue() and "nothing changed" in second.getvalue()


def test_uploading_the_same_return_file_twice_says_it_was_already_imported(client, village_a, county, finance):
    from django.contrib.messages import get_messages
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.conftest import login

    roll, (a, b) = _exported(village_a, county, finance)
    content = _return_file([(a.pk, a.bank_account, "500.00", "失败"), (b.pk, b.bank_account, "500.00", "成功")])
    login(client, finance[0])
    said = []
    for _ in range(2):
        response = client.post(reverse("benefits:roll_action", args=[roll.pk]),
                               {"action": "returns", "file": SimpleUploadedFile("回盘.csv", content)})
        said.append([str(m) for m in get_messages(response.wsgi_request)])
    assert said[0] == ["回盘导入：到账 1，失败 1，无变化 0"]
    assert "已于" in said[1][-1] and "本次未作任何更改" in said[1][-1]
    assert roll.return_imports.count() == 1


# --- pages ------------------------------------------------------------------------------------------------------


def test_the_enrolment_list_names_each_beneficiary_masked_in_one_query_and_home_says_which_amounts_are_budgeted(
        client, village_a, county, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.conftest import login

    approved_enrolment(village_a, name="欧阳娜娜")
    login(client, make_user("town_officer", village_a.parent))
    client.get(reverse("benefits:enrolment_list"))  # a session's first request may refresh it: count from the next
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("benefits:enrolment_list"))
    for i in range(5):
        approved_enrolment(village_a, name=f"李{'一二三四五'[i]}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("benefits:enrolment_list")).content.decode()
    assert "欧阳**" in page and "李*" in page and "欧阳娜娜" not in page
    assert len(many.captured_queries) == len(few.captured_queries)
    home = client.get(reverse("benefits:home")).content.decode()
    assert home.count("金额逐人核定（在预算内）") == 2          # the public-welfare fund and hardship aid
    assert home.count("金额逐人核定（尚无法定标准参数）") == 2    # the two one-time rewards


def test_approving_twice_in_two_tabs_says_the_roll_is_already_approved_in_words(village_a, county, finance):
    maker, checker = finance
    approved_enrolment(village_a)
    roll = _roll("special-assistance", M(2026, 11, 1), county, maker)
    services.roll_approve(roll, actor=checker)
    with pytest.raises(TransitionNotAllowed) as err:
        services.roll_approve(roll, actor=checker)
    assert str(err.value) == "当前状态为「已审核」，不能审核"


def test_a_new_account_recorded_after_retry_was_queued_goes_into_the_retry_file(village_a, county, finance):
    """Retry copies the account at the time; an account changed before the retry file is written used to be
    ignored, so the payment went to the closed account again."""
    maker, checker = finance
    roll, (a, b) = _exported(village_a, county, finance)
    services.roll_import_returns(roll, content=_return_file([(a.pk, a.bank_account, "500.00", "失败"),
                                                             (b.pk, b.bank_account, "500.00", "成功")]),
                                 filename="r.csv", actor=maker)
    request = services.roll_retry_request(roll, corrections={a.pk: {"reason": "银行系统故障"}}, actor=maker)
    services.roll_retry_decide(request, approve=True, actor=checker)
    assert RollLine.objects.get(pk=a.pk).status == LineStatus.PENDING
    services.enrolment_change(a.enrolment, kind="bank_account", event_date=M(2026, 11, 25), actor=None,
                              details={"bank_name": "工商银行", "bank_account": "6222000011112222"})
    batch = services.roll_export(roll, layout=bankfiles.layout_for(fmt="csv"), actor=maker)
    assert batch.number == 2 and "6222000011112222" in services.render_batch(batch).decode("utf-8-sig")
    # once that file is written, a later change no longer rewrites what was sent
    services.enrolment_change(a.enrolment, kind="bank_account", event_date=M(2026, 11, 26), actor=None,
                              details={"bank_name": "建设银行", "bank_account": "6217000099998888"})
    assert RollLine.objects.get(pk=a.pk).bank_account == "6222000011112222"
    assert RollLine.objects.get(pk=b.pk).bank_account == b.bank_account
