"""Build a couple with one daughter in the registry (through the registry services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jisheng.registry import services as registry
from jisheng.registry.tests.factories import make_person


def make_couple(area: Any, *, wife_birth: dt.date = dt.date(1986, 4, 2), married: dt.date = dt.date(2010, 5, 1),
                child_birth: dt.date = dt.date(2011, 3, 5), wife_name: str = "王小红", husband_name: str = "李建国"
                ) -> tuple[Any, Any, Any]:
    wife = make_person(area, name=wife_name, sex="F", birth_date=wife_birth, hukou_type="urban")
    husband = make_person(area, name=husband_name, sex="M", birth_date=dt.date(1984, 9, 10), hukou_type="urban")
    registry.marriage_register(husband=husband, wife=wife, start_date=married, actor=None)
    child = make_person(area, name="李思思", sex="F", birth_date=child_birth, with_id=False, hukou_type="urban")
    for parent in (wife, husband):
        registry.parent_child_link(parent=parent, child=child, actor=None)
    return wife, husband, child
