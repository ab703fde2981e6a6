"""The payroll engine: set-based, chunked, resumable roll generation; corrections; bank export; returns.

Called only by :mod:`jisheng.benefits.services` (which checks capabilities, workflow and audit).

Generation (:func:`generate_lines`) evaluates the programme's rate table for the month in Python (the
rules in :mod:`jisheng.benefits.rules`, a handful of rows), then inserts the regular lines with one
``INSERT … SELECT … ON CONFLICT DO NOTHING`` per chunk of enrolment ids, each chunk in its own
transaction together with the run's cursor. Chunks are ranges of ``chunk_size`` ids (enrolments are never
deleted, so ids are dense: no per-chunk counting or OFFSET scan). A run that crashes resumes from the
cursor; even a restart from zero cannot duplicate a line because of the unique constraint on
(person, programme, month, kind).

Which month a line pays (``RollLine.month``): the roll's month for monthly programmes; January of the
roll's year for annual ones (so a person is paid once a year whichever roll picks them up); the
enrolment's start month for one-time rewards and grants (so they are paid once).

A line is generated for month M when the enrolment is approved (or ended) with ``start_month ≤ M``,
``end_month`` empty or ``≥ M`` and the annual verification not overdue on the 1st of M. Deaths recorded in
the registry have already ended their enrolments (``services.deaths_sync`` runs first), so the chunks read
the enrolment table alone — no join with a million people per chunk; the payee name and account are the
enrolment's (see :func:`jisheng.benefits.rules.payable_months` for the stated rule and its source).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from jisheng.core import clock
from jisheng.core.errors import TransitionNotAllowed
from jisheng.core.models import Area
from jisheng.registry.models import Person

from . import bankfiles, programmes, rules
from .enums import FROZEN_ROLL_STATUSES, EnrolmentStatus, LineKind, LineStatus, RunStatus, RunStep
from .models import Enrolment, PaymentRoll, RollLine, RollRun

CHUNK_SIZE = 50_000
PAYING_STATUSES = (EnrolmentStatus.APPROVED, EnrolmentStatus.ENDED)


def default_lookup() -> Callable[..., Any]:
    from jisheng.law.parameters import parameter_value

    return parameter_value


def line_month(programme: programmes.Programme, roll_month: dt.date) -> dt.date | None:
    """The period a regular line of a roll for ``roll_month`` pays (None: the enrolment's start month)."""
    if programme.frequency == programmes.MONTHLY:
        return roll_month
    if programme.frequency == programmes.ANNUAL:
        return roll_month.replace(month=1)
    return None


def rates_snapshot(rates: list[rules.Rate]) -> dict[str, Any]:
    """The rate table as stored on the roll: {"category/hukou": {"amount", "basis", "verified", "version"}}."""
    return {f"{r.category}/{r.hukou}": {"amount": str(r.amount), "basis": r.basis, "verified": r.verified,
                                        "version": r.version} for r in rates}


# --- generation ----------------------------------------------------------------------------------------


def _vendor() -> str:
    return connection.vendor


def _insert_sql(programme: programmes.Programme, rates: list[rules.Rate]) -> tuple[str, list[Any]]:
    """The INSERT … SELECT of one chunk, with the rate table as CASE expressions. Returns (sql, head params)."""
    pg = _vendor() == "postgresql"
    line, enrol, area = RollLine._meta.db_table, Enrolment._meta.db_table, Area._meta.db_table
    params: list[Any] = []
    if rates:
        amount_cases, basis_cases = [], []
        amount_params: list[Any] = []
        basis_params: list[Any] = []
        for r in rates:
            amount_cases.append("WHEN e.category = %s AND e.hukou_type = %s THEN " +
                                ("CAST(%s AS numeric)" if pg else "%s"))
            amount_params += [r.category, r.hukou, str(r.amount)]
            basis_cases.append("WHEN e.category = %s AND e.hukou_type = %s THEN " +
                               ("CAST(%s AS jsonb)" if pg else "%s"))
            basis_params += [r.category, r.hukou, json.dumps(r.basis, ensure_ascii=False, sort_keys=True)]
        amount_expr = "CASE " + " ".join(amount_cases) + " END"
        basis_expr = "CASE " + " ".join(basis_cases) + " END"
        params = amount_params + basis_params
        group_filter = " AND e.hukou_type IN ('urban', 'rural')"
        if programme.categories:
            group_filter += " AND e.category IN (" + ", ".join("%s" for _ in programme.categories) + ")"
    else:
        amount_expr = "e.granted_amount"
        basis_expr = "CAST(%s AS jsonb)" if pg else "%s"
        params = [json.dumps({"granted_amount": "enrolment"})]
        group_filter = " AND e.granted_amount IS NOT NULL"
    month_expr = "e.start_month" if line_month(programme, dt.date(2000, 1, 1)) is None else "%s"
    verb = "INSERT INTO" if pg else "INSERT OR IGNORE INTO"
    conflict = " ON CONFLICT DO NOTHING" if pg else ""
    sql = f"""
        {verb} {line} (roll_id, enrolment_id, person_id, programme, month, kind, category, hukou_type, area_id,
            town_id, amount, basis, rule_version, account_name, bank_name, bank_account, status, batch_no,
            attempts, bank_reference, failure_reason)
        SELECT %s, e.id, e.person_id, e.programme, {month_expr}, 'regular', e.category, e.hukou_type, e.area_id,
            e.town_id, {amount_expr}, {basis_expr}, %s, e.account_name, e.bank_name, e.bank_account, 'pending', 1, 0,
            '', ''
        FROM {enrol} e
        WHERE e.programme = %s AND e.id > %s AND e.id <= %s
          AND e.status IN ('approved', 'ended') AND e.start_month IS NOT NULL AND e.start_month <= %s
          AND (e.end_month IS NULL OR e.end_month >= %s)
          AND (e.verification_due IS NULL OR e.verification_due >= %s)
          AND e.area_id IN (SELECT id FROM {area} WHERE path LIKE %s){group_filter}
        ORDER BY e.id
        {conflict}
    """  # noqa: S608 -- table names from model meta, every value a bound parameter
    return sql, params


def _insert_chunk(sql: str, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(int(cursor.rowcount), 0)


def _id_span(programme_key: str) -> tuple[int, int]:
    """(lowest, highest) enrolment id of the programme — two index lookups, no count."""
    from django.db.models import Max, Min

    agg = Enrolment.objects.filter(programme=programme_key).aggregate(lo=Min("id"), hi=Max("id"))
    return int(agg["lo"] or 0), int(agg["hi"] or 0)


def generate_lines(roll: PaymentRoll, *, actor: Any = None, chunk_size: int = CHUNK_SIZE,
                   lookup: Callable[..., Any] | None = None,
                   progress: Callable[[RollRun], None] | None = None) -> RollRun:
    """Insert the regular lines of ``roll`` chunk by chunk, resuming an unfinished run; return the run.

    Each chunk commits its lines and the run's cursor together, so a crash loses at most the chunk in
    flight; the next call continues after the cursor (and ON CONFLICT DO NOTHING absorbs any overlap).

    Raises:
        InvalidInput: no rule version or parameter value for the month (nothing is inserted).
    """
    programme = programmes.get(roll.programme)
    version = programme.rule_version(roll.month)
    rates = rules.rate_table(programme, on=line_month(programme, roll.month) or roll.month,
                             lookup=lookup or default_lookup())
    sql, case_params = _insert_sql(programme, rates)
    month = line_month(programme, roll.month)
    run = (RollRun.objects.filter(roll=roll, step=RunStep.GENERATE)
           .exclude(status=RunStatus.DONE).order_by("-id").first())
    if run is None:
        run = RollRun.objects.create(roll=roll, step=RunStep.GENERATE, actor=actor if getattr(
            actor, "is_authenticated", False) else None)
    lo, hi_id = _id_span(roll.programme)
    run.status = RunStatus.RUNNING
    run.started_at = run.started_at or clock.now()
    # progress counts enrolment ids covered (ids are dense: enrolments are never deleted)
    run.total = max(hi_id - lo + 1, 0) if hi_id else 0
    run.cursor = max(run.cursor, lo - 1) if hi_id else run.cursor
    run.save()
    PaymentRoll.objects.filter(pk=roll.pk).update(rule_version=version.version, rates=rates_snapshot(rates),
                                                  rates_verified=all(r.verified for r in rates))
    path_like = roll.area.path + "%"
    while hi_id and run.cursor < hi_id:
        hi = min(run.cursor + chunk_size, hi_id)
        params: list[Any] = [roll.pk]
        if month is not None:
            params.append(month)
        params += case_params
        params += [version.version, roll.programme, run.cursor, hi, roll.month, roll.month, roll.month, path_like]
        if programme.categories and rates:
            params += programme.category_keys()
        with transaction.atomic():
            # the roll's row lock orders this chunk with an approval in another tab: once approved, not a line more
            if PaymentRoll.objects.select_for_update().filter(pk=roll.pk, status__in=FROZEN_ROLL_STATUSES).exists():
                raise TransitionNotAllowed("花名册已审核，停止生成")
            _insert_chunk(sql, params)
            run.cursor = hi
            run.chunks += 1
            run.done = min(run.total, hi - lo + 1)
            run.save(update_fields=["cursor", "chunks", "done"])
        if progress is not None:
            progress(run)
    return run


# --- corrections ---------------------------------------------------------------------------------------


def _owed(enrolment: Enrolment, person: Person, month: dt.date) -> bool:
    """Whether ``month`` is owed to ``enrolment`` as the records stand now (same rule as generation)."""
    if enrolment.status not in PAYING_STATUSES or enrolment.start_month is None:
        return False
    if enrolment.start_month > month or (enrolment.end_month is not None and enrolment.end_month < month):
        return False
    if enrolment.verification_due is not None and enrolment.verification_due < month:
        return False
    return not (person.death_date is not None and person.death_date < month)


def correction_lines(roll: PaymentRoll, *, lookup: Callable[..., Any] | None = None) -> int:
    """Add arrears (补发) and recovery (扣回) lines to ``roll`` for earlier closed months of flagged enrolments.

    For every enrolment marked ``needs_correction`` (in the roll's area) and every earlier month whose roll
    of this programme is closed: owed − already paid for that month (all line kinds) becomes one line of
    kind ``arrears`` (> 0) or ``recovery`` (< 0) with ``month`` = that month. Closed months are never
    rewritten. Monthly programmes only. Returns the number of lines added.
    """
    programme = programmes.get(roll.programme)
    if programme.frequency != programmes.MONTHLY:
        return 0
    lookup = lookup or default_lookup()
    closed_months = sorted(set(PaymentRoll.objects.filter(
        programme=roll.programme, status__in=FROZEN_ROLL_STATUSES, month__lt=roll.month,
    ).values_list("month", flat=True)))
    flagged = (Enrolment.objects.filter(programme=roll.programme, needs_correction=True,
                                        area__path__startswith=roll.area.path)
               .select_related("person").order_by("id"))
    rate_cache: dict[dt.date, dict[tuple[str, str], rules.Rate]] = {}

    def rate_for(month: dt.date, category: str, hukou: str) -> rules.Rate | None:
        if month not in rate_cache:
            rate_cache[month] = {(r.category, r.hukou): r for r in rules.rate_table(programme, on=month, lookup=lookup)}
        return rate_cache[month].get((category, hukou))

    added = 0
    for enrolment in flagged.iterator(chunk_size=1000):
        paid = dict(RollLine.objects.filter(person_id=enrolment.person_id, programme=roll.programme,
                                            month__in=closed_months)
                    .values_list("month").annotate(total=Sum("amount")).values_list("month", "total"))
        new: list[RollLine] = []
        for month in closed_months:
            rate = rate_for(month, enrolment.category, enrolment.hukou_type)
            owed = rate.amount if rate is not None and _owed(enrolment, enrolment.person, month) else Decimal("0")
            diff = owed - (paid.get(month) or Decimal("0"))
            if diff == 0:
                continue
            new.append(RollLine(
                roll=roll, enrolment=enrolment, person_id=enrolment.person_id, programme=roll.programme,
                month=month, kind=LineKind.ARREARS if diff > 0 else LineKind.RECOVERY,
                category=enrolment.category, hukou_type=enrolment.hukou_type, area_id=enrolment.area_id,
                town_id=enrolment.town_id, amount=diff,
                basis={**(rate.basis if rate else {}), "owed": str(owed), "paid": str(paid.get(month) or 0)},
                rule_version=rate.version if rate else programme.rule_version(month).version,
                account_name=enrolment.account_name or enrolment.person.name, bank_name=enrolment.bank_name,
                bank_account=enrolment.bank_account,
            ))
        with transaction.atomic():
            created = RollLine.objects.bulk_create(new, ignore_conflicts=True)
            added += len(created)
            Enrolment.objects.filter(pk=enrolment.pk).update(needs_correction=False)
    return added


def roll_totals(roll: PaymentRoll) -> tuple[int, Decimal]:
    """(number of lines, total yuan) of ``roll`` straight from its lines."""
    agg = RollLine.objects.filter(roll=roll).aggregate(n=Count("id"), total=Sum("amount"))
    return int(agg["n"] or 0), agg["total"] or Decimal("0")


# --- bank files ----------------------------------------------------------------------------------------


def batch_rows(roll: PaymentRoll, number: int) -> Iterator[bankfiles.BankRow]:
    """The bank rows of batch ``number`` of ``roll`` in line-id order (positive amounts only)."""
    qs = (RollLine.objects.filter(roll=roll, batch_no=number, amount__gt=0).order_by("id")
          .values_list("id", "account_name", "bank_account", "bank_name", "amount", "month", "kind"))
    programme_name = programmes.get(roll.programme).name[:12]
    suffixes = {LineKind.ARREARS.value: "补发", LineKind.RECOVERY.value: "扣回"}
    for pk, name, account, bank, amount, month, kind in qs.iterator(chunk_size=20_000):
        yield bankfiles.BankRow(reference=str(pk), account_name=name, bank_account=account, bank_name=bank,
                                amount=amount, memo=f"{programme_name}{month:%Y%m}{suffixes.get(kind, '')}")


_COPY_COLUMNS = {
    "seq": "row_number() OVER (ORDER BY l.id)",
    "reference": "l.id::text",
    "account_name": "l.account_name",
    "bank_account": "l.bank_account",
    "bank_name": "l.bank_name",
    "amount": "l.amount::text",
    "amount_fen": "(l.amount * 100)::bigint::text",
    "memo": "{prefix} || to_char(l.month, 'YYYYMM') || CASE l.kind WHEN 'arrears' THEN '补发' "
            "WHEN 'recovery' THEN '扣回' ELSE '' END",
}


#: Text columns neutralised in the COPY output as :func:`jisheng.registry.exports.neutralise` does in Python.
_COPY_TEXT_FIELDS = frozenset({"account_name", "bank_account", "bank_name", "memo"})


def copy_batch_csv(roll: PaymentRoll, number: int, layout: bankfiles.Layout, out: Any) -> None:
    """Write a CSV bank file with PostgreSQL's COPY — the same rows, columns and text as the Python writer
    (:func:`bankfiles.write`), streamed straight from the database (used for csv layouts on PostgreSQL); text
    starting like a formula gets the same leading apostrophe."""
    from psycopg import sql

    from jisheng.registry.exports import FORMULA_STARTS

    prefix = programmes.get(roll.programme).name[:12]
    starts = sql.SQL(", ").join(sql.Literal(s) for s in FORMULA_STARTS)

    def column(field: str) -> Any:
        expr = sql.SQL(_COPY_COLUMNS[field].replace("{prefix}", "{p}")).format(p=sql.Literal(prefix))
        if field not in _COPY_TEXT_FIELDS:
            return expr
        return sql.SQL("CASE WHEN left({e}, 1) IN ({starts}) THEN {q} || {e} ELSE {e} END").format(
            e=sql.SQL("({})").format(expr), starts=starts, q=sql.Literal("'"))

    columns = sql.SQL(", ").join(column(c.field) + sql.SQL(" AS ") + sql.Identifier(c.header)
                                 for c in layout.columns)
    query = sql.SQL("COPY (SELECT {cols} FROM {table} l WHERE l.roll_id = {roll} AND l.batch_no = {n} "
                    "AND l.amount > 0 ORDER BY l.id) TO STDOUT WITH (FORMAT csv, HEADER)").format(
        cols=columns, table=sql.Identifier(RollLine._meta.db_table), roll=sql.Literal(roll.pk),
        n=sql.Literal(number))
    encoding = layout.encoding.lower()
    if encoding == "utf-8-sig":
        out.write("\ufeff".encode())
    decoder = None if encoding in ("utf-8", "utf8", "utf-8-sig") else __import__("codecs").getincrementaldecoder(
        "utf-8")()
    with connection.cursor() as cursor, cursor.cursor.copy(query) as copy:
        for data in copy:
            chunk = bytes(data)
            out.write(chunk if decoder is None else decoder.decode(chunk).encode(layout.encoding))


def stamp_for(roll: PaymentRoll) -> dt.datetime:
    """A fixed timestamp for the files of ``roll`` (its month at 00:00) so re-rendering gives the same bytes."""
    return dt.datetime.combine(roll.month, dt.time(0, 0))


def batch_numbers_with_pending(roll: PaymentRoll) -> list[int]:
    return sorted(set(RollLine.objects.filter(roll=roll, status=LineStatus.PENDING, amount__gt=0)
                      .values_list("batch_no", flat=True).distinct()))


def failed_filter() -> Q:
    return Q(status=LineStatus.FAILED)
