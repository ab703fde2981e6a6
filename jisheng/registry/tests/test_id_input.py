"""ID numbers typed with full-width or other Unicode digits on every path that reads one (issue 11): the roster
import (through the CLI, contract §6), the person form, the search page, the API and the person picker."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

import pytest
from django.urls import reverse

from jisheng.core.idnumber import make_id_number
from jisheng.registry.models import Person
from jisheng.registry.tests.factories import make_person
from tests.conftest import login

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _cli(monkeypatch: Any, *args: str) -> int:
    """Run ``jisheng ARGS`` as the console script does (its entry point and argument parsing); return its exit code
    (an uncaught error propagates, which a shell would see as exit 1 with a traceback). The command closes the
    database connections when it ends, which would end the test's own transaction: that is left out here."""
    from django.db import connections

    from jisheng.__main__ import main

    monkeypatch.setattr(sys, "argv", ["jisheng", *args])
    monkeypatch.setattr(connections, "close_all", lambda: None)
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.mark.django_db
def test_roster_import_normalises_full_width_and_refuses_other_digits_as_row_errors(
        tmp_path: Any, capsys: Any, monkeypatch: Any, village_a: Any) -> None:
    wide = make_id_number("320585", dt.date(1975, 3, 8), 11)
    circled = make_id_number("320585", dt.date(1980, 1, 2), 13)
    arabic = make_id_number("320585", dt.date(1982, 6, 1), 15)
    rows = [
        "姓名,性别,身份证号,出生日期,户口性质,户籍地",
        f"陆建华,男,{wide.translate(FULL_WIDTH)},1975-03-08,农业,{village_a.code}",
        f"张三,男,{circled[:5]}①{circled[6:]},1980-01-02,农业,{village_a.code}",  # 3205 8① …: the 6th digit circled
        f"李四,男,{arabic[:3]}۵{arabic[4:]},1982-06-01,农业,{village_a.code}",  # Arabic-Indic ۵ for the 4th digit 5
    ]
    path = tmp_path / "花名册.csv"
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")

    assert _cli(monkeypatch, "registry", "import", str(path), "--json") == 0
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["rows"] == 3 and outcome["imported"] == 1 and outcome["unchanged"] == 0
    assert [(e["row"], e["column"]) for e in outcome["errors"]] == [(3, "身份证号"), (4, "身份证号")]
    assert "“①”" in outcome["errors"][0]["problem"] and "“۵”" in outcome["errors"][1]["problem"]
    assert list(Person.objects.values_list("id_number", flat=True)) == [wide]  # stored in ASCII


@pytest.mark.django_db
def test_search_page_api_and_picker_answer_a_circled_digit_without_a_500(client: Any, make_user: Any,
                                                                        town_a: Any, village_a: Any) -> None:
    person = make_person(village_a, name="王小明", birth_date=dt.date(1990, 1, 1))
    login(client, make_user("town_officer", town_a))
    legacy = "32058①900101123"
    assert client.get(reverse("registry:person_list"), {"q": legacy}).status_code == 200
    assert client.get("/api/v1/registry/persons", {"q": legacy}).status_code in (200, 400)
    picker = client.get("/registry/persons/picker/", {"name": "reg-wife", "id": "id_reg-wife", "reg-wife": legacy})
    assert picker.status_code == 200
    # the same number in full-width digits finds the person everywhere
    wide = person.id_number.translate(FULL_WIDTH)
    assert person.name in client.get(reverse("registry:person_list"), {"q": wide}).content.decode()
    assert [i["id"] for i in client.get("/api/v1/registry/persons", {"q": wide}).json()["items"]] == [person.pk]


@pytest.mark.django_db
def test_person_form_and_api_store_ascii_and_refuse_foreign_digits(client: Any, make_user: Any, town_a: Any,
                                                                   village_a: Any) -> None:
    login(client, make_user("town_officer", town_a))
    number = make_id_number("320585", dt.date(1990, 1, 1), 11)
    body = {"name": "王小明", "sex": "M", "birth_date": "1990-01-01", "hukou_type": "rural",
            "residence_area_code": village_a.code, "hukou_area_code": village_a.code}
    arabic = number[:2] + "۰" + number[3:]  # Arabic-Indic zero for the third digit
    resp = client.post("/api/v1/registry/persons", json.dumps({**body, "id_number": arabic}),
                       content_type="application/json")
    assert resp.status_code == 400 and "“۰”" in resp.json()["detail"]
    assert not Person.objects.exists()
    resp = client.post("/api/v1/registry/persons", json.dumps({**body, "id_number": number.translate(FULL_WIDTH)}),
                       content_type="application/json")
    assert resp.status_code == 201
    assert Person.objects.get().id_number == number
    form = {"name": "李四", "sex": "M", "birth_date": "1980-01-02", "hukou_type": "rural",
            "residence_area": village_a.pk, "hukou_area": village_a.pk,
            "id_number": make_id_number("320585", dt.date(1980, 1, 2), 13)}
    form["id_number"] = form["id_number"][:8] + "①" + form["id_number"][9:]
    page = client.post(reverse("registry:person_create"), form)
    assert page.status_code == 200 and "“①”" in page.content.decode()
    assert Person.objects.count() == 1
