"""The roll page in daily use (issue 11): failed payments sent again only with a corrected account and through a
checker, the enrolments a roll left out and why, the bank file at the top and in any format, the documented
return-file format and month pickers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from jisheng.benefits import bankfiles, selectors, services
from jisheng.benefits.enums import LineStatus
from jisheng.benefits.models import RetryRequest, RollLine
from jisheng.core import clock
from jisheng.core.errors import InvalidInput, NotPermitted
from tests.conftest import login

from .factories import approved_enrolment
from .test_payroll import _return_file, _roll

M = dt.date


@pytest.fixture
def finance(make_user: Any, county: Any) -> tuple[Any, Any]:
    return make_user("finance_officer", county), make_user("finance_officer", county)


def _failed(village_a: Any, county: Any, finance: tuple[Any, Any]) -> tuple[Any, RollLine, RollLine]:
    maker, checker = finance
    approved_enrolment(village_a, start_month=M(2026, 10, 1), name="欧阳娜娜")
    approved_enrolment(village_a, start_month=M(2026, 10, 1), name="李明")
    roll = _roll("special-assistance", M(2026, 11, 1), county, maker)
    services.roll_approve(roll, actor=checker)
    services.roll_export(roll, layout=bankfiles.layout_for(fmt="csv"), actor=maker)
    a, b = roll.lines.order_by("id")
    services.roll_import_returns(roll, content=_return_file([(a.pk, a.bank_account, "500.00", "失败"),
                                                             (b.pk, b.bank_account, "500.00", "成功")]),
                                 filename="r.csv", actor=maker)
    a.refresh_from_db()
    return roll, a, b


# --- failed payments sent again ---------------------------------------------------------------------------


def test_a_failed_payment_is_not_sent_again_to_the_same_account_without_a_reason(village_a, county, finance):
    maker, _checker = finance
    roll, a, _b = _failed(village_a, county, finance)
    with pytest.raises(InvalidInput, match="请填写更正后的银行账号"):
        services.roll_retry_request(roll, corrections={a.pk: {}}, actor=maker)
    with pytest.raises(InvalidInput, match="与原账号相同"):
        services.roll_retry_request(roll, corrections={a.pk: {"bank_name": "农商行", "bank_account": a.bank_account}},
                                    actor=maker)
    assert not RetryRequest.objects.exists()
    assert RollLine.objects.get(pk=a.pk).status == LineStatus.FAILED


def test_a_corrected_account_goes_through_a_checker_before_the_new_bank_file(village_a, county, finance):
    maker, checker = finance
    roll, a, _b = _failed(village_a, county, finance)
    request = services.roll_retry_request(
        roll, corrections={a.pk: {"bank_name": "工商银行", "bank_account": "6222 0000 1111 2222"}}, actor=maker)
    assert RollLine.objects.get(pk=a.pk).status == LineStatus.FAILED  # nothing queued yet
    with pytest.raises(NotPermitted):
        services.roll_retry_decide(request, approve=True, actor=maker)  # the maker is not the checker
    services.roll_retry_decide(request, approve=True, actor=checker)
    line = RollLine.objects.get(pk=a.pk)
    assert (line.status, line.batch_no, line.bank_account) == (LineStatus.PENDING, 2, "6222000011112222")
    a.enrolment.refresh_from_db()
    assert a.enrolment.bank_account == "6222000011112222"  # the next months go there too
    batch = services.roll_export(roll, layout=bankfiles.layout_for(fmt="csv"), actor=maker)
    rows = list(csv.reader(io.StringIO(services.render_batch(batch).decode("utf-8-sig"))))
    assert batch.number == 2 and rows[1][:3] == [str(a.pk), "欧阳娜娜", "6222000011112222"]


def test_the_same_account_again_needs_a_reason_and_a_checker_who_may_refuse(village_a, county, finance):
    maker, checker = finance
    roll, a, _b = _failed(village_a, county, finance)
    request = services.roll_retry_request(roll, corrections={a.pk: {"reason": "银行系统故障，账户正常（已电话核实）"}},
                                          actor=maker)
    with pytest.raises(InvalidInput, match="已有待审核的重新发送申请"):
        services.roll_retry_request(roll, corrections={a.pk: {"reason": "再试"}}, actor=maker)
    services.roll_retry_decide(request, approve=False, actor=checker, note="请先核实账户")
    assert RollLine.objects.get(pk=a.pk).status == LineStatus.FAILED
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.note) == ("rejected", checker, "请先核实账户")


def test_the_retry_page_asks_for_the_account_and_the_checker_approves_there(client, village_a, county, finance):
    maker, checker = finance
    roll, a, _b = _failed(village_a, county, finance)
    login(client, maker)
    detail = client.get(reverse("benefits:roll_detail", args=[roll.pk])).content.decode()
    assert reverse("benefits:roll_retry", args=[roll.pk]) in detail
    page = client.get(reverse("benefits:roll_retry", args=[roll.pk])).content.decode()
    assert "欧阳**" in page and f'name="account_{a.pk}"' in page and a.bank_account not in page
    client.post(reverse("benefits:roll_retry", args=[roll.pk]),
                {"action": "request", f"bank_name_{a.pk}": "工商银行", f"account_{a.pk}": "6222000011112222"})
    request = RetryRequest.objects.get()
    assert "审核通过" not in client.get(reverse("benefits:roll_retry", args=[roll.pk])).content.decode()
    login(client, checker)
    todos = selectors.workbench_items(checker).todos
    assert any(t.url == reverse("benefits:roll_retry", args=[roll.pk]) for t in todos)
    assert not any("重新发送" in t.label for t in selectors.workbench_items(maker).todos)
    page = client.get(reverse("benefits:roll_retry", args=[roll.pk])).content.decode()
    assert "****2222" in page and "审核通过" in page
    client.post(reverse("benefits:roll_retry", args=[roll.pk]), {"action": "approve"})
    request.refresh_from_db()
    assert request.status == "approved"
    assert RollLine.objects.get(pk=a.pk).status == LineStatus.PENDING


# --- what a roll left out ----------------------------------------------------------------------------------


def test_a_roll_lists_the_enrolments_it_left_out_and_why(client, village_a, county, finance):
    maker, checker = finance
    paid = approved_enrolment(village_a, start_month=M(2026, 1, 1), name="王一")
    later = approved_enrolment(village_a, start_month=M(2026, 12, 1), name="王二")
    overdue = approved_enrolment(village_a, start_month=M(2026, 1, 1), name="王三", verification_due=M(2026, 3, 31))
    ended = approved_enrolment(village_a, start_month=M(2026, 1, 1), name="王四", status="ended",
                               end_month=M(2026, 10, 1), end_reason="death")
    long_ended = approved_enrolment(village_a, start_month=M(2020, 1, 1), name="王五", status="ended",
                                    end_month=M(2021, 1, 1), end_reason="death")
    roll = _roll("special-assistance", M(2026, 11, 1), county, maker)
    left = {e.pk: reason for e, reason in selectors.left_out(roll).rows}
    assert set(left) == {later.pk, overdue.pk, ended.pk}
    assert left[later.pk] == "自 2026-12 起发放"
    assert left[overdue.pk] == "年审逾期（应于 2026-03-31 前完成），暂停发放"
    assert left[ended.pk] == "已于 2026-10 停发（死亡）"
    assert paid.pk not in left and long_ended.pk not in left
    login(client, checker)
    page = client.get(reverse("benefits:roll_detail", args=[roll.pk])).content.decode()
    assert "未列入本期花名册" in page and "年审逾期（应于 2026-03-31 前完成），暂停发放" in page and "王*" in page


# --- bank files ---------------------------------------------------------------------------------------------


def test_the_bank_file_sits_at_the_top_and_a_second_format_downloads_that_format(client, village_a, county, finance):
    maker, checker = finance
    approved_enrolment(village_a, start_month=M(2026, 10, 1), name="欧阳娜娜")
    roll = _roll("special-assistance", M(2026, 11, 1), county, maker)
    services.roll_approve(roll, actor=checker)
    login(client, maker)
    action = reverse("benefits:roll_action", args=[roll.pk])
    first = client.post(action, {"action": "export", "layout": "xlsx-standard"})
    assert client.get(first["Location"]).content[:2] == b"PK"
    second = client.post(action, {"action": "export", "layout": "csv-standard"})
    download = client.get(second["Location"])
    assert download["Content-Type"].startswith("text/csv") and download["Content-Disposition"].endswith(".csv")
    assert "欧阳娜娜" in download.content.decode("utf-8-sig")
    page = client.get(reverse("benefits:roll_detail", args=[roll.pk])).content.decode()
    assert page.index("<h2>银行文件</h2>") < page.index("<h2>对账</h2>") < page.index("<h2>明细</h2>")
    for layout in bankfiles.layouts():
        assert f"{reverse('benefits:roll_download', args=[roll.pk, 1])}?layout={layout}" in page


def test_the_return_file_format_is_documented_on_the_page_and_in_the_contract(client, village_a, county, finance):
    maker, _checker = finance
    roll, _a, _b = _failed(village_a, county, finance)
    login(client, maker)
    page = client.get(reverse("benefits:roll_detail", args=[roll.pk])).content.decode()
    contract = (Path(__file__).resolve().parents[3] / "docs" / "contracts.md").read_text()
    spec = bankfiles.returns_format()
    for names in spec["headers"].values():
        assert names[0] in page and names[0] in contract
    for value in (*spec["success"], *spec["failure"]):
        assert str(value) in page
    assert "回盘文件格式" in page and "### Return files" in contract


# --- month pickers -----------------------------------------------------------------------------------------


def test_month_fields_are_month_pickers(client, county, finance):
    maker, _checker = finance
    login(client, maker)
    page = client.get(reverse("benefits:roll_list")).content.decode()
    assert 'type="month"' in page and f'value="{clock.today():%Y-%m}"' in page  # this month, whatever the suite day
    response = client.post(reverse("benefits:roll_list"), {"programme": "special-assistance", "month": "2026-11"})
    assert response.status_code == 302
    reports = client.get(reverse("benefits:reports"), {"month": "2026-10"}).content.decode()
    assert 'type="month"' in reports and 'value="2026-10"' in reports and "YYYY-MM" not in reports
    refused = client.post(reverse("benefits:roll_list"), {"programme": "special-assistance", "month": "十一月"})
    assert "not a month" not in refused.content.decode() and "请选择月份" in refused.content.decode()
