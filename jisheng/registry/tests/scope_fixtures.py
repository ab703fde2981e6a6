"""Permission-matrix fixtures for registry routes (see tests/test_permission_matrix.py)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from jisheng.core.idnumber import make_id_number
from jisheng.core.models import Area, AreaLevel
from jisheng.registry.models import DuplicateCandidate, Person, PersonExport, RosterImport

_n = itertools.count(1)


def _village(area: Area) -> Area:
    return Area.objects.filter(path__startswith=area.path, level=AreaLevel.VILLAGE).order_by("code").first() or area


def _person(area: Area, marker: str) -> Person:
    n = next(_n)
    village = _village(area)
    born = dt.date(1970, 1, 1) + dt.timedelta(days=n)
    return Person.objects.create(
        name=marker, sex="M", birth_date=born, id_number=make_id_number("320585", born, 801 + 2 * (n % 90)),
        hukou_type="rural", hukou_area=village, residence_area=village, town=village.parent,
    )


def _person_fixture(area: Area) -> tuple[dict[str, Any], str]:
    marker = f"矩阵人{next(_n)}"
    return {"pk": _person(area, marker).pk}, marker


def _duplicate_fixture(area: Area) -> tuple[dict[str, Any], str]:
    marker = f"矩阵重{next(_n)}"
    a, b = _person(area, marker), _person(area, marker)
    c = DuplicateCandidate.objects.create(person_a=a, person_b=b, reason="name_birth_area", source="form",
                                          area=b.residence_area)
    return {"pk": c.pk}, marker


def _import_fixture(area: Area) -> tuple[dict[str, Any], str]:
    marker = f"矩阵导入{next(_n)}.csv"
    job = RosterImport.objects.create(filename=marker, content=b"x", sha256="0" * 64, area=area, status="done",
                                      errors=[{"row": 2, "column": "姓名", "problem": "姓名为空"}])
    return {"pk": job.pk}, marker


def _export_fixture(area: Area) -> tuple[dict[str, Any], str]:
    """A finished person export asked for by the newest account of ``area`` — the matrix test signs that account in
    just before (an export is its requester's alone)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from jisheng.accounts.models import User
    from jisheng.core import clock

    marker = f"矩阵导出{next(_n)}"
    requester = User.objects.filter(area=area).order_by("-id").first()
    name = default_storage.save(f"exports/matrix-{marker}.csv", ContentFile("姓名\r\n".encode()))
    job = PersonExport.objects.create(created_by=requester, area=area, reason=marker, fmt="csv", status="done",
                                      rows=0, file=name, finished_at=clock.now())
    return {"pk": job.pk}, marker


FIXTURES = {
    "registry.export": _export_fixture,
    "registry.person": _person_fixture,
    "registry.duplicate": _duplicate_fixture,
    "registry.import": _import_fixture,
}
SAMPLE_KWARGS: dict[str, dict[str, Any]] = {}
