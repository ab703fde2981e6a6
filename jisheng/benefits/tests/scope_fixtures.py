"""Permission-matrix fixtures for benefits routes (see tests/test_permission_matrix.py)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from jisheng.benefits.enums import RollStatus
from jisheng.benefits.models import ExportBatch, PaymentRoll, Posting
from jisheng.core.models import Area

from .factories import approved_enrolment

_months = itertools.count(1)


def _enrolment(area: Area) -> tuple[dict[str, Any], str]:
    e = approved_enrolment(area, name="矩阵扶助甲")
    return {"pk": e.pk}, "矩阵扶助甲"


def _posting(area: Area) -> tuple[dict[str, Any], str]:
    p = Posting.objects.create(programme="special-assistance", level="village", area=area,
                               title=f"矩阵公示{area.code}", start_date=dt.date(2026, 1, 1),
                               end_date=dt.date(2026, 1, 7))
    return {"pk": p.pk}, p.title


def _roll(area: Area) -> tuple[dict[str, Any], str]:
    n = next(_months)
    roll = PaymentRoll.objects.create(programme="special-assistance", month=dt.date(2000 + n // 12, n % 12 + 1, 1),
                                      area=area, status=RollStatus.EXPORTED, rule_version=f"matrix-{area.code}")
    ExportBatch.objects.create(roll=roll, number=1, layout="csv-standard")
    return {"pk": roll.pk, "number": 1}, f"matrix-{area.code}"


def _roll_only(area: Area) -> tuple[dict[str, Any], str]:
    kwargs, marker = _roll(area)
    return {"pk": kwargs["pk"]}, marker


FIXTURES = {"benefits.enrolment": _enrolment, "benefits.posting": _posting, "benefits.roll": _roll_only,
            "benefits.roll_batch": _roll}
SAMPLE_KWARGS = {"benefits:programme_detail": {"key": "special-assistance"}}
