"""Exports of personal data are background jobs with a stated reason (issue 11): one click used to export the whole
town with full ID numbers and phones, no reason asked, inside one request (46k people: about 50 s). Now the list's
export asks for the reason and the format, is masked unless an account that may unmask asks for the full numbers,
runs in the background, and only the account that asked downloads the file once it is ready — each step audited."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from jisheng.core.models import AuditEvent
from jisheng.registry.models import PersonExport
from jisheng.registry.tests.factories import make_person
from tests.conftest import login

D = dt.date
URL = "/registry/persons/export/"


@pytest.fixture
def officer(make_user: Any, town_a: Any) -> Any:
    return make_user("town_officer", town_a)


def _ask(client: Client, capture: Any, **data: Any) -> Any:
    with capture(execute=True):
        return client.post(URL + "?q=王", {"reason": "年度统计核对", "format": "xlsx", **data})


@pytest.mark.django_db
def test_one_click_no_longer_exports_and_the_form_asks_for_a_reason(client: Any, officer: Any, village_a: Any,
                                                                    django_capture_on_commit_callbacks: Any) -> None:
    person = make_person(village_a, name="王小明", phone="13800138000")
    login(client, officer)
    page = client.get(URL, {"format": "xlsx", "q": "王"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")  # a form, not the file
    assert person.id_number.encode() not in page.content and not AuditEvent.objects.filter(action="export").exists()
    assert "导出事由" in page.content.decode()
    refused = _ask(client, django_capture_on_commit_callbacks, reason="")
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    assert not PersonExport.objects.exists()


@pytest.mark.django_db
def test_a_masked_export_runs_in_the_background_and_only_its_requester_downloads_it(
        client: Any, officer: Any, make_user: Any, town_a: Any, village_a: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    person = make_person(village_a, name="王小明", phone="13800138000")
    make_person(village_a, name="李四")
    login(client, officer)
    response = _ask(client, django_capture_on_commit_callbacks)
    job = PersonExport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:export_detail", args=[job.pk])
    assert (job.status, job.rows, job.masked, job.reason, job.created_by, job.area) == \
        ("done", 1, True, "年度统计核对", officer, town_a)
    assert job.filters == {"q": "王"}
    detail = client.get(response["Location"]).content.decode()
    assert reverse("registry:export_download", args=[job.pk]) in detail and "年度统计核对" in detail
    download = client.get(reverse("registry:export_download", args=[job.pk]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    body = b"".join(download.streaming_content) if download.streaming else download.content
    ws = openpyxl.load_workbook(io.BytesIO(body)).active
    assert ws["C2"].value == person.id_number[:6] + "********" + person.id_number[-4:]
    assert ws["H2"].value == "138****8000" and ws.max_row == 2
    event = AuditEvent.objects.get(action="export", object_type="registry.personexport")
    assert (event.object_id, event.actor, event.area_id, event.reason) == (str(job.pk), officer, town_a.pk,
                                                                           "年度统计核对")
    assert event.changes["count"] == 1 and event.changes["filters"]["masked"] is True
    # a colleague of the same town cannot fetch it, nor can anyone before it is ready
    colleague = login(Client(), make_user("town_officer", town_a))
    assert colleague.get(reverse("registry:export_download", args=[job.pk])).status_code == 404
    assert colleague.get(reverse("registry:export_detail", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_full_numbers_only_for_an_account_that_may_unmask_and_audited_as_such(
        client: Any, officer: Any, village_a: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any) -> None:
    person = make_person(village_a, name="王小明", phone="13800138000")
    login(client, officer)
    _ask(client, django_capture_on_commit_callbacks, unmasked="on")
    job = PersonExport.objects.get()
    assert job.masked is False
    body = client.get(reverse("registry:export_download", args=[job.pk]))
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(body.streaming_content))).active
    assert ws["C2"].value == person.id_number and ws["H2"].value == "13800138000"
    assert AuditEvent.objects.get(action="export", object_type="registry.personexport").changes["filters"][
        "masked"] is False
    # without registry.unmask the box is not offered and a forged one is refused
    from jisheng.accounts import roles

    monkeypatch.setitem(roles.CAPABILITIES, "town_officer", roles.CAPABILITIES["town_officer"] - {"registry.unmask"})
    assert "unmasked" not in client.get(URL).content.decode()
    _ask(client, django_capture_on_commit_callbacks, unmasked="on")  # a forged box is ignored: masked
    assert PersonExport.objects.latest("id").masked is True
    from jisheng.core.errors import NotPermitted
    from jisheng.registry.exports import person_export_request

    with pytest.raises(NotPermitted):  # and the service itself refuses the full numbers
        person_export_request(actor=officer, filters={}, fmt="xlsx", reason="核对", unmasked=True)


@pytest.mark.django_db
def test_csv_exports_keep_formula_like_text_inert(client: Any, officer: Any, village_a: Any,
                                                  django_capture_on_commit_callbacks: Any) -> None:
    make_person(village_a, name="王小明", bank_name="=HYPERLINK(1)")
    login(client, officer)
    _ask(client, django_capture_on_commit_callbacks, format="csv")
    job = PersonExport.objects.get()
    body = b"".join(client.get(reverse("registry:export_download", args=[job.pk])).streaming_content)
    assert body.startswith(b"\xef\xbb\xbf") and "王小明".encode() in body
