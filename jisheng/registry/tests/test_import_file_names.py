"""The name an office gave its roster file is shown masked (issue 11): offices name files after the person
(王小红_320585199001011234.csv), and the import pages listed that name in full to everyone of the town. An ID or
mobile number, a name next to one, and any registered person's name inside the file name are masked where shown
(the list, the import's page, the error file's name) and in what is stored for a new upload."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse

from jisheng.registry.models import RosterImport
from jisheng.registry.tests.factories import make_person
from tests.conftest import login


@pytest.fixture
def officer(make_user: Any, town_a: Any) -> Any:
    return make_user("town_officer", town_a)


def _job(area: Any, filename: str) -> RosterImport:
    return RosterImport.objects.create(filename=filename, content=b"x", sha256="0" * 64, area=area, status="done",
                                       errors=[{"row": 2, "column": "姓名", "problem": "姓名为空"}])


@pytest.mark.django_db
def test_the_import_pages_show_file_names_masked(client: Any, officer: Any, town_a: Any, village_a: Any) -> None:
    make_person(village_a, name="陈建国", birth_date=dt.date(1970, 1, 1))
    by_number = _job(town_a, "王小红_320585199001011234.csv")
    by_registered_name = _job(town_a, "城厢镇陈建国家庭名单.xlsx")
    plain = _job(town_a, "城厢镇2026年花名册.xlsx")
    login(client, officer)
    listing = client.get(reverse("registry:import_new")).content.decode()
    for secret in ("王小红", "320585199001011234", "陈建国"):
        assert secret not in listing, secret
    assert "王**_320585********1234.csv" in listing and "城厢镇陈**家庭名单.xlsx" in listing
    assert "城厢镇2026年花名册.xlsx" in listing  # nothing personal: shown as given
    detail = client.get(reverse("registry:import_detail", args=[by_number.pk])).content.decode()
    assert "王小红" not in detail and "王**_320585********1234.csv" in detail
    errors = client.get(reverse("registry:import_errors", args=[by_registered_name.pk]), {"format": "csv"})
    assert "%E9%99%88%E5%BB%BA%E5%9B%BD" not in errors["Content-Disposition"]  # 陈建国, URL-encoded
    assert plain.filename == "城厢镇2026年花名册.xlsx"


@pytest.mark.django_db
def test_a_new_upload_is_stored_under_its_masked_name(client: Any, officer: Any, town_a: Any,
                                                      django_capture_on_commit_callbacks: Any) -> None:
    login(client, officer)
    upload = io.BytesIO("姓名,性别,身份证号,出生日期,户口性质,户籍地\r\n".encode())
    upload.name = "王小红_13800138000.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:import_new"), {"file": upload, "mode": "valid"})
    assert response.status_code == 302
    assert RosterImport.objects.get().filename == "王**_138****8000.csv"
