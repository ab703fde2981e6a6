"""Helpers shared by the benchmark scripts: Django set-up, timing, percentiles and the result file.

A benchmark module ``bench/<name>.py`` defines ``run(argv: list[str]) -> list[dict]``: it returns one or more
result dicts made with :func:`result`; the runner prints them as a table and writes
``bench/results/<name>.json`` (contract §5 of shared/design/contracts.md).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def setup_django(settings: str = "config.settings.local") -> None:
    """Configure Django for a benchmark (DATABASE_URL selects the database, as everywhere)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


def timed(fn: Callable[[], Any]) -> float:
    """Run ``fn`` once and return the elapsed wall time in seconds."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def percentile(samples: list[float], p: float) -> float:
    """Return the ``p``-th percentile (0–100) of ``samples`` (inclusive method)."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[max(0, min(98, int(p) - 1))]


def result(*, name: str, metric: str, value: float, unit: str, n: int, baseline: str = "",
           baseline_value: float | None = None, ratio: float | None = None, **extra: Any) -> dict[str, Any]:
    """Return one result dict with the contract's keys (plus ``extra``)."""
    from django.db import connection

    return {
        "name": name, "metric": metric, "value": round(value, 4), "unit": unit, "baseline": baseline,
        "baseline_value": None if baseline_value is None else round(baseline_value, 4),
        "ratio": None if ratio is None else round(ratio, 3), "n": n,
        "database": connection.vendor, "python": platform.python_version(), "date": dt.date.today().isoformat(),
        **extra,
    }


def write(name: str, results: list[dict[str, Any]]) -> Path:
    """Write ``results`` to ``bench/results/<name>.json`` and return the path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(results if len(results) != 1 else results[0], ensure_ascii=False, indent=2) + "\n")
    return path
