"""Permission-matrix fixtures for the petition routes (see tests/test_permission_matrix.py): a petition received by
a town (its case in that town's scope) and an assignment to that town."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jisheng.accounts.models import User
from jisheng.accounts.roles import Role
from jisheng.core import clock
from jisheng.core.models import Area


def _petition(area: Area) -> Any:
    from jisheng.petitions import services

    n = User.objects.count()
    clerk = User.objects.create(username=f"matrix-petition-{area.code}-{n}", role=Role.PETITION_CLERK, area=area)
    petition, _created = services.petition_receive(
        channel="visit", received_at=clock.now() - dt.timedelta(hours=1), subject=f"矩阵信访{area.code}",
        content="矩阵测试", petitioner={"name": "矩阵信访人", "phone": "13900000000"}, actor=clerk, area=area)
    return petition, clerk


def _petition_kwargs(area: Area) -> tuple[dict[str, Any], str]:
    petition, _clerk = _petition(area)
    return {"number": petition.case.number}, petition.case.number


def _assignment(area: Area) -> tuple[dict[str, Any], str]:
    from jisheng.petitions import services

    petition, clerk = _petition(area)
    assignment = services.petition_assign(petition, area=area, due=clock.today() + dt.timedelta(days=10),
                                          instruction="矩阵交办", actor=clerk)
    return {"pk": assignment.pk}, petition.case.number


FIXTURES = {"petitions.petition": _petition_kwargs, "petitions.assignment": _assignment}
