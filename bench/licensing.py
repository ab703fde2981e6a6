"""Benchmark: birth-approval eligibility throughput and official-document rendering time.

    python -m bench licensing [-- --n 20000 --api-n 500 --pdf-n 10]

- ``eligibility_rule``: determinations per second of :func:`jisheng.licensing.rules.evaluate` over the
  46 YAML rule cases' facts cycled N times (dates 2013–2022, all three versions);
  baseline: the same facts through ``POST /api/v1/eligibility/birth-approval`` (Django test client, in
  process: routing, JSON, ninja) over ``--api-n`` requests — the ratio is what the HTTP layer costs.
- ``pdf_render``: median seconds to render one supplement notice (WeasyPrint, embedded Noto CJK subset).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench.common import result

NAME = "licensing"


def run(argv: list[str]) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(prog="python -m bench licensing")
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--api-n", type=int, default=500)
    parser.add_argument("--pdf-n", type=int, default=10)
    args = parser.parse_args(argv)

    from django.conf import settings
    from django.test import Client

    from jisheng.law.rules import load_rule_cases
    from jisheng.licensing import documents, rules

    cases = load_rule_cases(Path(rules.__file__).parent / "tests" / "cases" / "birth_approval.yaml")
    inputs = [(c.facts, c.as_of) for c in cases]
    start = time.perf_counter()
    for i in range(args.n):
        facts, as_of = inputs[i % len(inputs)]
        rules.evaluate(facts, as_of)
    rule_rate = args.n / (time.perf_counter() - start)

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    start = time.perf_counter()
    for i in range(args.api_n):
        facts, as_of = inputs[i % len(inputs)]
        response = client.post(f"/api/v1/eligibility/birth-approval?as_of={as_of.isoformat()}",
                               data=json.dumps(facts), content_type="application/json")
        assert response.status_code == 200, response.content
    api_rate = args.api_n / (time.perf_counter() - start)

    case = SimpleNamespace(number="ZS2013-00001", application_date=None)
    ctx = {"case": case, "wife": "王小红", "husband": "李建国", "date": "2013年6月4日",
           "application_date": "2013年6月3日", "title": "补正材料一次性告知书",
           "doc_number": "城厢计生补〔2013〕00001号",
           "issuer": "城厢镇人民政府", "missing": ["结婚证", "户口簿", "夫妻双方婚育情况证明"]}
    documents.render_pdf("supplement_notice", ctx)  # warm up fonts
    samples = []
    for _ in range(args.pdf_n):
        t = time.perf_counter()
        documents.render_pdf("supplement_notice", ctx)
        samples.append(time.perf_counter() - t)
    return [
        result(name=NAME, metric="eligibility_rule", value=rule_rate, unit="per_s", n=args.n,
               baseline="same facts via POST /api/v1/eligibility/birth-approval (in-process client)",
               baseline_value=api_rate, ratio=rule_rate / api_rate),
        result(name=NAME, metric="pdf_render_median", value=statistics.median(samples), unit="s", n=args.pdf_n),
    ]
