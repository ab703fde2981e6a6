"""Registry API: masked reads, scoped search, creation with duplicate detection."""

import datetime as dt
import json

import pytest

from jisheng.core.idnumber import make_id_number
from jisheng.registry.models import DuplicateCandidate
from jisheng.registry.tests.factories import make_person
from tests.conftest import login


@pytest.mark.django_db
def test_api_search_read_and_create(client, make_user, town_a, village_a, village_b):
    officer = make_user("town_officer", town_a)
    p = make_person(village_a, name="王小明", birth_date=dt.date(1990, 1, 1))
    make_person(village_b, name="王小明", birth_date=dt.date(1991, 1, 1))
    login(client, officer)
    page = client.get("/api/v1/registry/persons?q=wxm").json()
    assert [i["id"] for i in page["items"]] == [p.pk] and page["count"] == "1"
    assert page["items"][0]["id_number_masked"] == p.id_number[:6] + "********" + p.id_number[-4:]
    assert client.get(f"/api/v1/registry/persons/{p.pk}").json()["name"] == "王小明"
    body = {"name": "王小明", "sex": "M", "birth_date": "1990-01-01", "hukou_type": "rural",
            "residence_area_code": village_a.code, "hukou_area_code": village_a.code}
    resp = client.post("/api/v1/registry/persons", json.dumps(body), content_type="application/json")
    assert resp.status_code == 201 and resp.json()["suspected_duplicates"] == [p.pk]
    assert DuplicateCandidate.objects.get().source == "api"
    bad = {**body, "id_number": make_id_number("320585", dt.date(1990, 1, 2), 11)}
    resp = client.post("/api/v1/registry/persons", json.dumps(bad), content_type="application/json")
    assert resp.status_code == 400 and "不一致" in resp.json()["detail"]
    outside = {**body, "residence_area_code": village_b.code}
    assert client.post("/api/v1/registry/persons", json.dumps(outside),
                       content_type="application/json").status_code == 400
