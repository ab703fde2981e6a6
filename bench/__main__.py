"""``python -m bench [NAME ...]``: run benchmark scripts, print a table, write bench/results/NAME.json.

Without a name, every module in bench/ that defines ``run`` is run. Extra arguments after ``--`` go to
the benchmark (e.g. ``python -m bench registry -- --persons 100000``).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from bench.common import setup_django, write


def _names() -> list[str]:
    here = Path(__file__).resolve().parent
    return [m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in ("common", "__main__")]


def main(argv: list[str]) -> int:
    extra: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    names = argv or _names()
    setup_django()
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        results = module.run(extra)
        print(f"\n{name}")
        print(f"{'metric':<40} {'value':>12} {'unit':<8} {'baseline':>12} {'ratio':>8} {'n':>10}")
        for r in results:
            base = "" if r["baseline_value"] is None else f"{r['baseline_value']:.4g}"
            ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
            print(f"{r['metric']:<40} {r['value']:>12.4g} {r['unit']:<8} {base:>12} {ratio:>8} {r['n']:>10}")
        print(f"-> {write(name, results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
