"""Benchmark: memory and time of checking a hostile roster, against the spreadsheet library's own floor.

    python -m bench imports [-- --rows 200000]

The probe of issue 11 sent a 187 KB .xlsx of 200,000 rows with one stray cell each; the worker grew to 1.18 GB
and stored a million errors. The importer now streams the sheet and stops checking at ``roster.MAX_ERRORS``.

- ``hostile roster: importer peak``: Python heap peak (tracemalloc, MiB) and wall time of
  :func:`jisheng.registry.services.roster_import_file` on that file (nothing is written: checking stops);
- baseline, measured in the same run: openpyxl's read-only iteration of every row of the same file, which is
  the least any reader of it can hold — the ratio is what the importer adds.

The scope is the database's top area (the demo municipality); nothing is written to the database.
"""

from __future__ import annotations

import argparse
import io
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from bench.common import result

NAME = "imports"
MIB = 1024 * 1024


def _measure(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Run ``fn`` under tracemalloc; return ``(peak MiB, seconds, fn's result)``."""
    tracemalloc.start()
    start = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / MIB
    tracemalloc.stop()
    return peak, seconds, out


def hostile_roster(rows: int) -> bytes:
    """The probe's shape: the standard header, then ``rows`` rows holding one stray cell each (.xlsx bytes)."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["姓名", "性别", "身份证号", "出生日期", "户口性质", "户籍地"])
    for _ in range(rows):
        ws.append(["x"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(argv: list[str]) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(prog="python -m bench imports")
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args(argv)

    import openpyxl

    from jisheng.core.models import Area
    from jisheng.registry import services

    scope = Area.objects.filter(parent__isnull=True).order_by("code").first()
    if scope is None:
        raise SystemExit("bench imports: the database has no areas; run `jisheng bootstrap` (or `make run`) first")
    data = hostile_roster(args.rows)

    def floor() -> int:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        count = sum(1 for _ in wb.active.iter_rows(values_only=True))
        wb.close()
        return count

    base_peak, base_s, read = _measure(floor)
    peak, seconds, outcome = _measure(lambda: services.roster_import_file(
        filename="bench.xlsx", data=data, scope=scope, actor=None, dry_run=True))
    size = f"{len(data) / 1024:.0f} KB, {read} rows"
    return [
        result(name=NAME, metric="hostile roster: importer peak", value=peak, unit="MiB", n=args.rows,
               baseline="openpyxl read-only pass, peak", baseline_value=base_peak, ratio=peak / base_peak,
               file=size, errors_stored=len(outcome.errors)),
        result(name=NAME, metric="hostile roster: importer time", value=seconds, unit="s", n=args.rows,
               baseline="openpyxl read-only pass, time", baseline_value=base_s, ratio=seconds / base_s, file=size),
    ]
