"""Payment rolls at the boundaries: rate changes, first and last months, corrections, idempotency,
crash and resume, maker–checker, bank files and returns."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from openpyxl import load_workbook

from jisheng.benefits import bankfiles, payroll, services
from jisheng.benefits.enums import LineStatus, RollStatus, RunStatus
from jisheng.benefits.models import Enrolment, PaymentRoll, RollLine, RollRun
from jisheng.core import clock
from jisheng.core.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from jisheng.law.parameters import ParameterValue
from jisheng.registry import services as registry_services

from .factories import approved_enrolment

M = dt.date


@pytest.fixture
def finance(make_user: Any, county: Any) -> tuple[Any, Any]:
    return make_user("finance_officer", county), make_user("finance_officer", county)


def _roll(programme: str, month: dt.date, county: Any, actor: Any = None, **kw: Any) -> PaymentRoll:
    roll = services.roll_open(programme=programme, month=month, area=county, actor=actor)
    services.roll_generate(roll, actor=actor, **kw)
    roll.refresh_from_db()
    return roll


def _close(roll: PaymentRoll, checker: Any) -> PaymentRoll:
    return services.roll_approve(roll, actor=checker)


def _lines(person_id: int, **kw: Any) -> list[tuple[dt.date, str, Decimal]]:
    return list(RollLine.objects.filter(person_id=person_id, **kw).order_by("month", "kind")
                .values_list("month", "kind", "amount"))


# --- rates ------------------------------------------------------------------------------------------------


def test_the_month_the_local_standard_starts_pays_each_person_exactly_one_rate(village_a, county, finance):
    """Jan 2013: the city standard 400/500 starts (law parameters); Dec 2012 pays the national floor."""
    maker, checker = finance
    disabled = approved_enrolment(village_a, category="disabled", start_month=M(2012, 6, 1))
    deceased = approved_enrolment(village_a, category="deceased", start_month=M(2012, 6, 1), hukou="rural")
    dec = _roll("special-assistance", M(2012, 12, 1), county, maker)
    _close(dec, checker)
    jan = _roll("special-assistance", M(2013, 1, 1), county, maker)
    assert _lines(disabled.person_id) == [(M(2012, 12, 1), "regular", Decimal("110.00")),
                                          (M(2013, 1, 1), "regular", Decimal("400.00"))]
    assert _lines(deceased.person_id) == [(M(2012, 12, 1), "regular", Decimal("135.00")),
                                          (M(2013, 1, 1), "regular", Decimal("500.00"))]
    line = RollLine.objects.get(person_id=disabled.person_id, month=M(2013, 1, 1))
    assert line.basis == {"special_assistance.national_floor.disabled.urban": "110.00",
                          "special_assistance.local_standard.disabled": "400.00"}
    assert line.rule_version == "sa-2008"
    assert jan.line_count == 2 and jan.total_amount == Decimal("900.00")
    # the 2014 version takes over with the 2014 floors (still below the city standard)
    feb14 = _roll("special-assistance", M(2014, 1, 1), county, maker)
    assert set(feb14.lines.values_list("rule_version", flat=True)) == {"sa-2014"}


def _lookup_with_mid_month_change(key: str, on: dt.date) -> ParameterValue:
    """A local standard raised from 600 to 700 on 15 June 2026 (floors as in law)."""
    from jisheng.law.parameters import parameter_value

    if key == "special_assistance.local_standard.deceased":
        value = Decimal("700") if on >= M(2026, 6, 15) else Decimal("600")
        return ParameterValue(key=key, value=value, unit="yuan_per_person_month", provision="test", verified=True,
                              valid_from=M(2026, 6, 15) if value == 700 else M(2013, 1, 1), valid_to=None)
    return parameter_value(key, on=on)


def test_a_rate_changing_mid_month_applies_from_the_next_month_only(village_a, county, finance):
    """Rule: a month is paid at the rate in force on its first day — never two rates in one month."""
    maker, checker = finance
    e = approved_enrolment(village_a, category="deceased", start_month=M(2026, 5, 1))
    for month in (M(2026, 5, 1), M(2026, 6, 1), M(2026, 7, 1)):
        _close(_roll("special-assistance", month, county, maker, lookup=_lookup_with_mid_month_change), checker)
    assert _lines(e.person_id) == [(M(2026, 5, 1), "regular", Decimal("600.00")),
                                   (M(2026, 6, 1), "regular", Decimal("600.00")),
                                   (M(2026, 7, 1), "regular", Decimal("700.00"))]


# --- first and last months --------------------------------------------------------------------------------


def test_eligible_on_the_first_is_paid_that_month_and_death_on_the_20th_is_paid_through_that_month(
        village_a, county, finance):
    """Stated rule (rules.payable_months; legal-facts §3.1): paid from the month eligibility is confirmed
    through the month of death."""
    maker, checker = finance
    first = approved_enrolment(village_a, start_month=M(2026, 3, 1), approved_on=M(2026, 3, 1), name="李明")
    dies = approved_enrolment(village_a, start_month=M(2026, 1, 1), name="赵小红")
    registry_services.person_record_death(dies.person, date=M(2026, 5, 20), actor=None)
    for month in (M(2026, 2, 1), M(2026, 3, 1), M(2026, 4, 1), M(2026, 5, 1), M(2026, 6, 1)):
        _close(_roll("special-assistance", month, county, maker), checker)
    assert [m for m, _, _ in _lines(first.person_id)] == [M(2026, 3, 1), M(2026, 4, 1), M(2026, 5, 1),
                                                          M(2026, 6, 1)]
    assert [m for m, _, _ in _lines(dies.person_id)] == [M(2026, 2, 1), M(2026, 3, 1), M(2026, 4, 1),
                                                         M(2026, 5, 1)]
    dies.refresh_from_db()
    assert dies.end_month == M(2026, 5, 1) and dies.end_reason == "death" and dies.status == "ended"


def test_a_death_reported_after_the_month_was_closed_is_recovered_in_a_later_roll(village_a, county, finance):
    maker, checker = finance
    e = approved_enrolment(village_a, start_month=M(2026, 1, 1))
    june = _close(_roll("special-assistance", M(2026, 6, 1), county, maker), checker)
    june_lines = list(june.lines.values_list("id", "amount", "status"))
    # the death on 20 April is learnt in July
    services.enrolment_change(e, kind="death", event_date=M(2026, 4, 20), actor=None)
    july = _roll("special-assistance", M(2026, 7, 1), county, maker)
    assert list(june.lines.values_list("id", "amount", "status")) == june_lines  # closed month untouched
    assert _lines(e.person_id, roll=july) == [(M(2026, 6, 1), "recovery", Decimal("-500.00"))]
    e.refresh_from_db()
    assert e.needs_correction is False


def test_an_approval_after_closed_months_is_paid_as_arrears(village_a, county, finance):
    maker, checker = finance
    _close(_roll("special-assistance", M(2026, 8, 1), county, maker), checker)
    _close(_roll("special-assistance", M(2026, 9, 1), county, maker), checker)
    e = approved_enrolment(village_a, start_month=M(2026, 8, 1), needs_correction=True)
    october = _roll("special-assistance", M(2026, 10, 1), county, maker)
    assert _lines(e.person_id, roll=october) == [(M(2026, 8, 1), "arrears", Decimal("500.00")),
                                                 (M(2026, 9, 1), "arrears", Decimal("500.00")),
                                                 (M(2026, 10, 1), "regular", Decimal("500.00"))]


def test_overdue_verification_suspends_payment_until_done_then_pays_arrears(village_a, county, finance):
    maker, checker = finance
    e = approved_enrolment(village_a, start_month=M(2026, 1, 1), approved_on=M(2026, 1, 10))
    services.verification_schedule(programme="special-assistance", year=2027, area=county, actor=None)
    e.refresh_from_db()
    assert e.verification_due == M(2027, 3, 31)
    with clock.frozen(M(2027, 4, 2)):  # rolls are generated for months that have begun
        _close(_roll("special-assistance", M(2027, 3, 1), county, maker), checker)   # due date not passed: paid
        _close(_roll("special-assistance", M(2027, 4, 1), county, maker), checker)   # overdue on 1 April: unpaid
    assert [m for m, _, _ in _lines(e.person_id)] == [M(2027, 3, 1)]
    services.verification_complete(e.verifications.get(year=2027), result="continue", done_on=M(2027, 4, 18),
                                   actor=None)
    e.refresh_from_db()
    assert e.verification_due == M(2028, 3, 31) and e.verifications.get(year=2028).done_on is None
    with clock.frozen(M(2027, 5, 2)):
        may = _roll("special-assistance", M(2027, 5, 1), county, maker)
    assert _lines(e.person_id, roll=may) == [(M(2027, 4, 1), "arrears", Decimal("500.00")),
                                             (M(2027, 5, 1), "regular", Decimal("500.00"))]


def test_annual_and_one_time_programmes_pay_once(village_a, county, finance):
    maker, checker = finance
    rural = approved_enrolment(village_a, programme="rural-reward", category="", hukou="rural",
                               start_month=M(2026, 1, 1))
    grant = approved_enrolment(village_a, programme="hardship-aid", category="", start_month=M(2026, 2, 1),
                               granted_amount=Decimal("2000"))
    _close(_roll("rural-reward", M(2026, 1, 1), county, maker), checker)
    _close(_roll("rural-reward", M(2026, 6, 1), county, maker), checker)
    assert _lines(rural.person_id) == [(M(2026, 1, 1), "regular", Decimal("960.00"))]
    _close(_roll("hardship-aid", M(2026, 2, 1), county, maker), checker)
    _close(_roll("hardship-aid", M(2026, 3, 1), county, maker), checker)
    assert _lines(grant.person_id) == [(M(2026, 2, 1), "regular", Decimal("2000.00"))]


def test_the_database_refuses_a_second_line_for_the_same_person_programme_month_and_kind(village_a, county):
    approved_enrolment(village_a)
    roll = _roll("special-assistance", M(2026, 11, 1), county)
    line = roll.lines.get()
    line.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


# --- idempotency and crash ---------------------------------------------------------------------------------


def _snapshot(roll: PaymentRoll) -> list[tuple[Any, ...]]:
    return list(RollLine.objects.filter(roll=roll).order_by("id").values_list(
        "id", "person_id", "month", "kind", "amount", "status", "batch_no", "attempts", "failure_reason"))


def _return_file(rows: list[tuple[int, str, str, str]]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["流水号", "账号", "金额", "结果", "失败原因"])
    for pk, account, amount, result in rows:
        w.writerow([pk, account, amount, result, "账户已销户" if result == "失败" else ""])
    return out.getvalue().encode("utf-8-sig")


def test_rerunning_generate_export_and_import_returns_changes_nothing(village_a, county, finance, tmp_path: Path):
    maker, checker = finance
    for i in range(3):
        approved_enrolment(village_a, category=("deceased", "disabled")[i % 2], start_month=M(2026, 10, 1))
    call_command("payroll", "generate", "--programme", "special-assistance", "--month", "2026-11",
                 "--as", maker.username, stdout=io.StringIO())  # the maker, so that another officer approves
    roll = PaymentRoll.objects.get(programme="special-assistance", month=M(2026, 11, 1))
    before, updated = _snapshot(roll), roll.updated_at
    call_command("payroll", "generate", "--programme", "special-assistance", "--month", "2026-11",
                 stdout=io.StringIO())
    roll.refresh_from_db()
    assert _snapshot(roll) == before and roll.updated_at == updated and roll.line_count == 3
    assert roll.total_amount == Decimal("1400.00")

    services.roll_approve(roll, actor=checker)
    call_command("payroll", "generate", "--programme", "special-assistance", "--month", "2026-11",
                 stdout=io.StringIO())  # approved: nothing happens, exit 0
    assert _snapshot(roll) == before

    for fmt in ("xlsx", "csv", "fixed"):
        first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        call_command("payroll", "export", "--roll", str(roll.pk), "--format", fmt, "--out", str(first),
                     stdout=io.StringIO())
        call_command("payroll", "export", "--roll", str(roll.pk), "--format", fmt, "--out", str(second),
                     stdout=io.StringIO())
        assert first.read_bytes() == second.read_bytes()
    assert roll.batches.count() == 1 and _snapshot(roll) == before

    lines = list(roll.lines.order_by("id"))
    returns = tmp_path / "returns.csv"
    returns.write_bytes(_return_file([(ln.pk, ln.bank_account, f"{ln.amount}", "成功" if i else "失败")
                                      for i, ln in enumerate(lines)]))
    call_command("payroll", "import-returns", "--roll", str(roll.pk), str(returns), stdout=io.StringIO())
    after_import = _snapshot(roll)
    assert [s[5] for s in after_import] == ["failed", "paid", "paid"]
    call_command("payroll", "import-returns", "--roll", str(roll.pk), str(returns), stdout=io.StringIO())
    assert _snapshot(roll) == after_import and roll.return_imports.count() == 1
    # the same results in a different file: every line unchanged
    again = tmp_path / "returns-again.csv"
    again.write_bytes(returns.read_bytes().replace(b"\r\n", b"\n"))
    out = io.StringIO()
    call_command("payroll", "import-returns", "--roll", str(roll.pk), str(again), stdout=out)
    assert "paid 0, failed 0, unchanged 3" in out.getvalue() and _snapshot(roll) == after_import


def test_retry_sends_the_failed_lines_only(village_a, county, finance, tmp_path: Path):
    maker, checker = finance
    enrolments = [approved_enrolment(village_a, start_month=M(2026, 10, 1)) for _ in range(3)]
    roll = _roll("special-assistance", M(2026, 11, 1), county, maker)
    services.roll_approve(roll, actor=checker)
    layout = bankfiles.layout_for(fmt="csv")
    services.roll_export(roll, layout=layout, actor=maker)
    lines = list(roll.lines.order_by("id"))
    services.roll_import_returns(roll, content=_return_file(
        [(ln.pk, ln.bank_account, f"{ln.amount}", "失败" if ln == lines[1] else "成功") for ln in lines]),
        filename="r.csv", actor=maker)
    services.enrolment_change(enrolments[1], kind="bank_account", event_date=M(2026, 11, 20), actor=None,
                              details={"bank_name": "工商银行", "bank_account": "6222000011112222"})
    request = services.roll_retry_request(roll, corrections={}, actor=maker)  # the account was corrected already
    services.roll_retry_decide(request, approve=True, actor=checker)
    with pytest.raises(InvalidInput, match="没有发放失败的明细"):
        services.roll_retry_request(roll, corrections={}, actor=maker)
    batch = services.roll_export(roll, layout=layout, actor=maker)
    assert batch.number == 2 and batch.line_count == 1
    rows = list(csv.reader(io.StringIO(services.render_batch(batch).decode("utf-8-sig"))))
    assert rows[1][:3] == [str(lines[1].pk), lines[1].account_name, "6222000011112222"]
    with pytest.raises(TransitionNotAllowed):
        services.roll_close(roll, actor=checker)
    services.roll_import_returns(roll, content=_return_file([(lines[1].pk, "6222000011112222", "500.00", "成功")]),
                                 filename="r2.csv", actor=maker)
    services.roll_close(roll, actor=checker)
    roll.refresh_from_db()
    assert roll.status == RollStatus.CLOSED
    assert set(roll.lines.values_list("status", flat=True)) == {LineStatus.PAID}


def _direct_sql_sum(programme: str, month: dt.date) -> Decimal:
    """The expected total computed straight from the enrolments with hand-written SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUM(CASE WHEN category = 'deceased' THEN 500 ELSE 400 END) FROM benefits_enrolment "
            "WHERE programme = %s AND status = 'approved' AND start_month <= %s AND end_month IS NULL",
            [programme, month])
        return Decimal(cursor.fetchone()[0])


def test_a_generation_killed_midway_resumes_without_duplicates(village_a, village_b, county, finance, monkeypatch):
    maker, _ = finance
    for i in range(11):
        approved_enrolment(village_a if i % 2 else village_b, category=("deceased", "disabled")[i % 3 == 0],
                           start_month=M(2026, 10, 1))
    roll = services.roll_open(programme="special-assistance", month=M(2026, 11, 1), area=county, actor=maker)
    real_insert, calls = payroll._insert_chunk, []

    def crash_after_two_chunks(sql: str, params: list[Any]) -> int:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return real_insert(sql, params)

    monkeypatch.setattr(payroll, "_insert_chunk", crash_after_two_chunks)
    with pytest.raises(RuntimeError):
        services.roll_generate(roll, actor=maker, chunk_size=3)
    run = RollRun.objects.get(roll=roll)
    assert run.status == RunStatus.RUNNING and run.chunks == 2
    assert RollLine.objects.filter(roll=roll).count() == 6
    roll.refresh_from_db()
    assert roll.status == RollStatus.DRAFT

    monkeypatch.setattr(payroll, "_insert_chunk", real_insert)
    services.roll_generate(roll, actor=maker, chunk_size=3)           # resumes after the cursor
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.chunks == 4 and RollRun.objects.filter(roll=roll).count() == 1
    # and a full restart from zero cannot duplicate anything either
    RollRun.objects.filter(roll=roll).update(status=RunStatus.RUNNING, cursor=0)
    services.roll_generate(roll, actor=maker, chunk_size=3)
    roll.refresh_from_db()
    n_lines = RollLine.objects.filter(roll=roll).count()
    distinct = RollLine.objects.filter(roll=roll).values("person", "programme", "month", "kind").distinct().count()
    assert n_lines == distinct == 11 == roll.line_count
    assert roll.total_amount == _direct_sql_sum("special-assistance", M(2026, 11, 1)) == Decimal("5100.00")
    assert roll.status == RollStatus.GENERATED


# --- maker–checker, permissions, bad input ------------------------------------------------------------------


def test_maker_checker(village_a, county, finance, make_user):
    maker, checker = finance
    approved_enrolment(village_a)
    roll = _roll("special-assistance", M(2026, 11, 1), county, maker)
    with pytest.raises(NotPermitted):
        services.roll_approve(roll, actor=maker)
    with pytest.raises(NotPermitted):
        services.roll_approve(roll, actor=None)
    with pytest.raises(NotPermitted):
        services.roll_approve(roll, actor=make_user("town_officer", county))
    with pytest.raises(TransitionNotAllowed):
        services.roll_export(roll, layout=bankfiles.layout_for(fmt="csv"), actor=maker)
    services.roll_approve(roll, actor=checker)
    roll.refresh_from_db()
    assert roll.status == RollStatus.APPROVED and roll.approved_by == checker and roll.prepared_by == maker
    with pytest.raises(TransitionNotAllowed):
        services.roll_return(roll, actor=checker)


def test_a_returned_roll_is_generated_again_from_scratch(village_a, county, finance):
    maker, checker = finance
    e = approved_enrolment(village_a)
    roll = _roll("special-assistance", M(2026, 11, 1), county, maker)
    services.roll_return(roll, actor=checker, reason="核对")
    assert roll.lines.count() == 0
    Enrolment.objects.filter(pk=e.pk).update(category="disabled")
    roll = _roll("special-assistance", M(2026, 11, 1), county, maker)
    assert list(roll.lines.values_list("amount", flat=True)) == [Decimal("400.00")]


def test_cli_bad_input_exits_2_with_a_message(county, tmp_path: Path):
    def run(*args: str) -> CommandError:
        with pytest.raises(CommandError) as err:
            call_command("payroll", *args, stdout=io.StringIO())
        assert err.value.returncode == 2
        return err.value

    assert "not a month" in str(run("generate", "--programme", "special-assistance", "--month", "2026-13"))
    assert "unknown programme" in str(run("generate", "--programme", "nope", "--month", "2026-11"))
    assert "no payment roll 999999" in str(run("export", "--roll", "999999"))
    approved_enrolment(county.children.first().children.first())
    call_command("payroll", "generate", "--programme", "special-assistance", "--month", "2026-11",
                 stdout=io.StringIO())
    roll = PaymentRoll.objects.get()
    assert "审核后" in str(run("export", "--roll", str(roll.pk)))
    bad = tmp_path / "bad.csv"
    bad.write_text("流水号,结果\nabc,成功\n1,也许\n", encoding="utf-8")
    message = str(run("import-returns", "--roll", str(roll.pk), str(bad)))
    assert "row 2" in message and "row 3" in message
    assert "cannot read" in str(run("import-returns", "--roll", str(roll.pk), str(tmp_path / "missing.csv")))


def test_return_rows_that_do_not_match_reject_the_whole_file(village_a, county, finance):
    maker, checker = finance
    approved_enrolment(village_a)
    approved_enrolment(village_a)
    roll = _roll("special-assistance", M(2026, 11, 1), county, maker)
    services.roll_approve(roll, actor=checker)
    services.roll_export(roll, layout=bankfiles.layout_for(fmt="xlsx"), actor=maker)
    a, b = roll.lines.order_by("id")
    with pytest.raises(InvalidInput) as err:
        services.roll_import_returns(roll, content=_return_file(
            [(a.pk, a.bank_account, "500.00", "成功"), (b.pk, b.bank_account, "499.00", "成功")]),
            filename="r.csv", actor=maker)
    assert "row 3, 金额" in str(err.value)
    assert set(roll.lines.values_list("status", flat=True)) == {LineStatus.PENDING}


# --- bank files ---------------------------------------------------------------------------------------------


def test_xlsx_account_numbers_are_text_cells_and_fixed_width_records_have_the_layout_length(
        village_a, county, finance):
    maker, checker = finance
    approved_enrolment(village_a, name="欧阳娜娜")
    roll = _roll("special-assistance", M(2026, 11, 1), county, maker)
    services.roll_approve(roll, actor=checker)
    batch = services.roll_export(roll, layout=bankfiles.layout_for(fmt="xlsx"), actor=maker)
    ws = load_workbook(io.BytesIO(services.render_batch(batch))).active
    header = [c.value for c in ws[1]]
    account = ws.cell(row=2, column=header.index("账号") + 1)
    line = roll.lines.get()
    assert account.value == line.bank_account and account.data_type == "s" and account.number_format == "@"
    assert ws.cell(row=2, column=header.index("金额") + 1).value == 500
    fixed = bankfiles.layout_for(key="fixed-rcb")
    record = services.render_batch(batch, layout=fixed).split(b"\r\n")[0]
    assert len(record) == sum(c.width for c in fixed.columns)
    assert record[64:79] == b"000000000050000"  # amount in fen, zero-padded, after 12 + 32 + 20 bytes
    assert "欧阳娜娜" in record.decode("gb18030")


def test_a_value_too_long_for_a_fixed_width_column_is_refused_with_its_reference():
    layout = bankfiles.layout_for(key="fixed-rcb")
    row = bankfiles.BankRow(reference="7", account_name="张" * 11, bank_account="1", bank_name="", amount=Decimal(1),
                            memo="")
    with pytest.raises(InvalidInput) as err:
        bankfiles.write(layout, [row], io.BytesIO(), stamp=dt.datetime(2026, 1, 1))
    assert "流水号 7" in str(err.value) and "account_name" in str(err.value)


def test_the_csv_bank_file_is_the_same_from_the_python_writer_and_from_copy(village_a, county, finance):
    maker, checker = finance
    approved_enrolment(village_a, name="张三")
    approved_enrolment(village_a, name="欧阳娜娜", category="disabled")
    roll = _roll("special-assistance", M(2026, 11, 1), county, maker)
    services.roll_approve(roll, actor=checker)
    for key in ("csv-standard", "xlsx-standard"):
        layout = bankfiles.layout_for(key=key)
        batch = services.roll_export(roll, layout=layout, actor=maker)
    layout = bankfiles.layout_for(key="csv-standard")
    python = io.BytesIO()
    bankfiles.write(layout, payroll.batch_rows(roll, batch.number), python, stamp=payroll.stamp_for(roll))
    a, b = roll.lines.order_by("id")
    assert python.getvalue().decode("utf-8-sig").splitlines() == [
        "流水号,户名,账号,金额,摘要",
        f"{a.pk},张三,{a.bank_account},500.00,计划生育家庭特别扶助202611",
        f"{b.pk},欧阳娜娜,{b.bank_account},400.00,计划生育家庭特别扶助202611",
    ]
    assert services.render_batch(batch, layout=layout) == python.getvalue()  # COPY on PostgreSQL, Python elsewhere


def test_a_new_child_or_a_recovered_child_in_the_registry_stops_payment_after_that_month(
        village_a, county, finance):
    from jisheng.registry.tests.factories import make_person

    maker, checker = finance
    deceased = approved_enrolment(village_a, start_month=M(2026, 1, 1), name="孙红")
    disabled = approved_enrolment(village_a, category="disabled", start_month=M(2026, 1, 1), name="周梅")
    child = make_person(village_a, name="周小", birth_date=M(2000, 1, 1))
    registry_services.parent_child_link(parent=disabled.person, child=child, actor=None)
    registry_services.disability_certificate_record(child, grade=2, date=M(2020, 1, 1), actor=None)
    _close(_roll("special-assistance", M(2026, 5, 1), county, maker), checker)
    baby = make_person(village_a, name="孙宝", birth_date=M(2026, 6, 10))
    registry_services.parent_child_link(parent=deceased.person, child=baby, actor=None)
    registry_services.disability_certificate_record(child, grade=4, date=M(2026, 6, 5), actor=None)
    june = _roll("special-assistance", M(2026, 6, 1), county, maker)
    _close(june, checker)
    july = _roll("special-assistance", M(2026, 7, 1), county, maker)
    assert [m for m, _, _ in _lines(deceased.person_id)] == [M(2026, 5, 1), M(2026, 6, 1)]
    assert [m for m, _, _ in _lines(disabled.person_id)] == [M(2026, 5, 1), M(2026, 6, 1)]
    assert july.line_count == 0
    deceased.refresh_from_db()
    disabled.refresh_from_db()
    assert (deceased.end_reason, deceased.end_month) == ("new_child", M(2026, 6, 1))
    assert (disabled.end_reason, disabled.end_month) == ("recovery", M(2026, 6, 1))
