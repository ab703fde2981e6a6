"""Permission-matrix fixtures for case routes (see tests/test_permission_matrix.py)."""

from __future__ import annotations

import io
from typing import Any

from jisheng.accounts.models import User
from jisheng.accounts.roles import Role
from jisheng.cases import services, types
from jisheng.cases.types import MaterialSpec
from jisheng.core.models import Area

from .conftest import toy_type

MATRIX_TYPE = "matrix_licensing"


def _ensure_type() -> None:
    try:
        types.get(MATRIX_TYPE)
    except KeyError:
        types.register(toy_type(key=MATRIX_TYPE, prefix="MX", label="矩阵测试事项",
                                materials=lambda facts, as_of: [MaterialSpec("id_card", "身份证")]))


def _case(area: Area) -> tuple[dict[str, Any], str]:
    import datetime as dt

    _ensure_type()
    n = User.objects.count()
    officer = User.objects.create(username=f"matrix-case-{area.code}-{n}", role=Role.TOWN_OFFICER, area=area)
    case = services.case_create(case_type=MATRIX_TYPE, area=area, application_date=dt.date(2013, 6, 3),
                                actor=officer, summary=f"矩阵案件{area.code}")
    return {"number": case.number}, case.number


def _document(area: Area) -> tuple[dict[str, Any], str]:
    kwargs, marker = _case(area)
    from jisheng.cases.models import Case

    case = Case.objects.get(number=kwargs["number"])
    pdf = b"%PDF-1.4\n%matrix\n"
    doc = services.case_attach_document(case, kind="id_card", name="id.pdf", stream=io.BytesIO(pdf), size=len(pdf),
                                        actor=case.registered_by)
    return {"number": case.number, "pk": doc.pk}, marker


FIXTURES = {"cases.case": _case, "cases.document": _document}


def _may_open_matrix_cases(role: str) -> bool:
    """The sample case is of a licensing-namespace type: only roles that view licensing cases open it (a petition
    clerk, admitted to the engine's routes to open petitions, gets 404 for it like for any case not theirs)."""
    from jisheng.accounts.roles import capabilities_of

    return "licensing.view" in capabilities_of(role)


OBJECT_ROLES = {"cases.case": _may_open_matrix_cases, "cases.document": _may_open_matrix_cases}
