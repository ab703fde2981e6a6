"""Test helpers that build registry records through the services (other apps' tests may use them too)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from jisheng.core.idnumber import make_id_number
from jisheng.core.models import Area
from jisheng.registry import services
from jisheng.registry.models import Person

_seq = itertools.count(1)


def make_person(area: Area, *, name: str = "张三", sex: str = "M", birth_date: dt.date = dt.date(1980, 5, 1),
                with_id: bool = True, **fields: Any) -> Person:
    """Create a person living in ``area`` with a valid, unique ID number (unless ``with_id`` is False)."""
    if with_id and "id_number" not in fields:
        n = next(_seq)
        seq = (n * 2 + (1 if sex == "M" else 0)) % 1000
        fields["id_number"] = make_id_number("320585", birth_date, seq if sex == "F" or seq % 2 else seq + 1)
    fields.setdefault("hukou_type", "rural")
    fields.setdefault("hukou_area", area)
    return services.person_create(actor=None, name=name, sex=sex, birth_date=birth_date, residence_area=area,
                                  **fields)
