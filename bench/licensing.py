"""Benchmark: birth-approval eligibility throughput and official-document rendering time.

    python -m bench licensing [-- --n 20000 --rounds 5 --api-n 500 --pdf-n 10]

- ``eligibility_rule``: determinations per second of :func:`jisheng.licensing.rules.evaluate` over the
  YAML rule cases' facts cycled N times (dates 2013–2022, every version); baseline: the rule as it was before
  issue 17 (``jisheng/licensing/tests/reference_rules.py``, frozen; docs/adr/0052) on the same facts in the same
  run. Both are timed in ``--rounds`` interleaved rounds (alternating which goes first) and each rate is the
  median of its rounds, so that a change in the machine's load hits both alike; ratio = new / reference.
- ``eligibility_api``: the same facts through ``POST /api/v1/eligibility/birth-approval`` (Django test client, in
  process: routing, JSON, ninja) over ``--api-n`` requests; baseline: the rule alone (``eligibility_rule``'s
  value), ratio = API / rule — what the HTTP layer leaves of the rule's rate.
- ``pdf_render``: median seconds to render one supplement notice (WeasyPrint, embedded Noto CJK subset).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench.common import result

NAME = "licensing"


def run(argv: list[str]) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(prog="python -m bench licensing")
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--api-n", type=int, default=500)
    parser.add_argument("--pdf-n", type=int, default=10)
    args = parser.parse_args(argv)

    from django.conf import settings
    from django.test import Client

    from jisheng.cases.documents import render_pdf
    from jisheng.law.rules import load_rule_cases
    from jisheng.licensing import documents, rules
    from jisheng.licensing.tests import reference_rules

    cases = load_rule_cases(Path(rules.__file__).parent / "tests" / "cases" / "birth_approval.yaml")
    inputs = [(c.facts, c.as_of) for c in cases]
    for facts, as_of in inputs:  # the same answers, or the comparison means nothing
        assert rules.evaluate(facts, as_of) == reference_rules.evaluate(facts, as_of), (facts, as_of)

    def rate(evaluate: Callable[[dict[str, Any], dt.date], Any], n: int) -> float:
        start = time.perf_counter()
        for i in range(n):
            facts, as_of = inputs[i % len(inputs)]
            evaluate(facts, as_of)
        return n / (time.perf_counter() - start)

    per_round = max(1, args.n // args.rounds)
    new_rates, reference_rates = [], []
    for r in range(args.rounds):
        if r % 2:
            reference_rates.append(rate(reference_rules.evaluate, per_round))
            new_rates.append(rate(rules.evaluate, per_round))
        else:
            new_rates.append(rate(rules.evaluate, per_round))
            reference_rates.append(rate(reference_rules.evaluate, per_round))
    rule_rate, reference_rate = statistics.median(new_rates), statistics.median(reference_rates)

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
           "issuer": "城厢镇人民政府", "town_office": "城厢镇人民政府", "county": "太仓市", "signed_on": "2013年6月4日",
           "opinion_days": 7, "missing": ["结婚证", "户口簿", "夫妻双方婚育情况证明"]}
    template = documents.template("supplement_notice")
    render_pdf(template, ctx)  # warm up fonts
    samples = []
    for _ in range(args.pdf_n):
        t = time.perf_counter()
        render_pdf(template, ctx)
        samples.append(time.perf_counter() - t)
    return [
        result(name=NAME, metric="eligibility_rule", value=rule_rate, unit="per_s", n=per_round * args.rounds,
               baseline="the rule before issue 17 (licensing/tests/reference_rules.py), same facts, same run",
               baseline_value=reference_rate, ratio=rule_rate / reference_rate, rounds=args.rounds),
        result(name=NAME, metric="eligibility_api", value=api_rate, unit="per_s", n=args.api_n,
               baseline="the rule alone (eligibility_rule), same facts", baseline_value=rule_rate,
               ratio=api_rate / rule_rate),
        result(name=NAME, metric="pdf_render_median", value=statistics.median(samples), unit="s", n=args.pdf_n),
    ]
