"""Benchmark: 1,000,000 statutory deadline computations (issue 3 target: ≥ 200,000 per second on one core).

    python -m bench deadlines [-- --n 1000000 --baseline-n 20000 --seed 1]

Inputs (generated before timing, fixed seed): start dates 2013-01-01…2021-06-30 (so 60 months stay inside
2026), periods of 1–60 units, units mixed working / calendar / months in equal shares. Timed:

- ``due_date``: the engine's fast path (the O(1) index look-ups, no explanation) over all N inputs;
- ``compute_due``: the full result with its Chinese explanation, over N/10 inputs;
- baseline: a naive day-by-day loop asking ``chinese_calendar.is_workday`` for each day, over a sample
  (it is slow, so ``--baseline-n`` inputs; rates are per second, so they compare directly).

The calendar index is built once from the installed chinesecalendar (no database needed); its build
time is reported too.
"""

from __future__ import annotations

import argparse
import calendar as stdcal
import datetime as dt
import random
import time
from typing import Any

from bench.common import result

NAME = "deadlines"
ONE = dt.timedelta(days=1)


def _naive(start: dt.date, amount: int, unit: str) -> dt.date:
    import chinese_calendar

    if unit == "working":
        day, counted = start, 0
        while counted < amount:
            day += ONE
            if chinese_calendar.is_workday(day):
                counted += 1
        return day
    if unit == "calendar":
        day = start + dt.timedelta(days=amount)
    else:
        y, m = divmod(start.month - 1 + amount, 12)
        year, month = start.year + y, m + 1
        day = dt.date(year, month, min(start.day, stdcal.monthrange(year, month)[1]))
    while not chinese_calendar.is_workday(day):
        day += ONE
    return day


def run(argv: list[str]) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(prog="python -m bench deadlines")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--baseline-n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    from jisheng.law import calendar
    from jisheng.law.deadlines import compute_due, due_date

    t0 = time.perf_counter()
    index = calendar.build_index(list(calendar.chinesecalendar_years()), calendar.chinesecalendar_exceptions(),
                                 source=calendar.chinesecalendar_source())
    build_seconds = time.perf_counter() - t0
    index.checked_at = float("inf")  # keep this index: no database round trips while timing
    calendar._cached = index

    rng = random.Random(args.seed)
    first, span = dt.date(2013, 1, 1).toordinal(), dt.date(2021, 6, 30).toordinal() - dt.date(2013, 1, 1).toordinal()
    units = ("working", "calendar", "months")
    inputs = [(dt.date.fromordinal(first + rng.randrange(span)), rng.randint(1, 60), units[i % 3])
              for i in range(args.n)]

    t0 = time.perf_counter()
    for start, amount, unit in inputs:
        due_date(start, amount, unit)
    fast = time.perf_counter() - t0

    full_n = max(1, args.n // 10)
    t0 = time.perf_counter()
    for start, amount, unit in inputs[:full_n]:
        compute_due(start, amount, unit)
    full = time.perf_counter() - t0

    sample = inputs[: args.baseline_n]
    t0 = time.perf_counter()
    for start, amount, unit in sample:
        _naive(start, amount, unit)
    naive = time.perf_counter() - t0

    mismatches = sum(1 for s, a, u in sample if _naive(s, a, u) != due_date(s, a, u))
    if mismatches:
        raise SystemExit(f"{mismatches} results differ from the naive loop — the benchmark is void")

    fast_rate, full_rate, naive_rate = args.n / fast, full_n / full, len(sample) / naive
    baseline = "naive day-by-day loop over chinese_calendar.is_workday"
    return [
        result(name=NAME, metric="due_date per second", value=fast_rate, unit="1/s", n=args.n,
               baseline=baseline, baseline_value=naive_rate, ratio=fast_rate / naive_rate,
               seconds=round(fast, 3), index_build_seconds=round(build_seconds, 3)),
        result(name=NAME, metric="compute_due (with explanation) per second", value=full_rate, unit="1/s",
               n=full_n, baseline=baseline, baseline_value=naive_rate, ratio=full_rate / naive_rate,
               seconds=round(full, 3)),
    ]
