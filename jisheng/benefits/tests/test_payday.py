"""A finance officer's payday gone wrong: odd return files, rolls opened for the wrong month or area,
approval racing a regeneration. Each test is the regression test of a fix found in review."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jisheng.benefits import bankfiles, services
from jisheng.benefits.enums import LineStatus
from jisheng.benefits.models import PaymentRoll, RollLine
from jisheng.core.errors import InvalidInput

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
