"""Permission-matrix fixtures for core routes (see tests/test_permission_matrix.py).

``FIXTURES[kind](area) -> (url kwargs, marker)`` creates an object of ``kind`` inside ``area`` and
returns the URL kwargs that name it and a text that must never appear in a response outside scope.
``SAMPLE_KWARGS[route name]`` gives URL kwargs for routes with parameters but no protected object.
"""

from __future__ import annotations

from typing import Any

from jisheng.core.models import Area, AreaLevel


def _area(area: Area) -> tuple[dict[str, Any], str]:
    n = Area.objects.filter(parent=area).count() + 900
    child = Area.objects.create(code=area.code[:9] + f"{n:03d}", name=f"矩阵测试{n}村", kind="村",
                                level=AreaLevel.VILLAGE, parent=area, is_demo=True)
    return {"code": child.code}, child.name


FIXTURES = {"core.area": _area}
SAMPLE_KWARGS = {"core:module_unavailable": {"key": "law"}}
