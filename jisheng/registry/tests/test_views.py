"""Registry pages: masking by default, audited unmask, search, keyset pages, history, export, import."""

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from jisheng.core import clock
from jisheng.core.models import AuditEvent
from jisheng.registry import selectors, services
from jisheng.registry.models import Person
from jisheng.registry.tests.factories import make_person
from tests.conftest import login

D = dt.date


@pytest.fixture
def officer(make_user, town_a):
    return make_user("town_officer", town_a)


@pytest.mark.django_db
def test_list_masks_ids_and_unmask_is_audited(client, officer, village_a):
    p = make_person(village_a, name="王小明", birth_date=D(1990, 1, 1), phone="13800138000")
    login(client, officer)
    page = client.get(reverse("registry:person_list")).content.decode()
    assert p.id_number not in page and p.id_number[:6] + "********" + p.id_number[-4:] in page
    detail = client.get(reverse("registry:person_detail", args=[p.pk])).content.decode()
    assert p.id_number not in detail and "13800138000" not in detail and "138****8000" in detail
    assert not AuditEvent.objects.filter(action="unmask").exists()
    shown = client.post(reverse("registry:person_unmask", args=[p.pk]), {"reason": "核对身份"}).content.decode()
    assert p.id_number in shown and "13800138000" in shown
    event = AuditEvent.objects.get(action="unmask")
    assert (event.object_type, event.object_id, event.actor, event.reason) == \
        ("registry.person", str(p.pk), officer, "核对身份")


@pytest.mark.django_db
def test_village_guide_cannot_unmask(client, make_user, village_a):
    p = make_person(village_a, name="王小明")
    login(client, make_user("village_guide", village_a))
    assert client.post(reverse("registry:person_unmask", args=[p.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="unmask").exists()


@pytest.mark.django_db
def test_search_by_id_name_pinyin_initials_and_keyset_pages(officer, village_a, village_b):
    wang = make_person(village_a, name="王小明", birth_date=D(1990, 1, 1))
    make_person(village_a, name="汪晓梅", sex="F", birth_date=D(1991, 1, 1))
    make_person(village_a, name="李明", birth_date=D(1992, 1, 1))
    make_person(village_b, name="王小明", birth_date=D(1993, 1, 1))  # other town: out of scope

    def names(**kw):
        return [p.name for p in selectors.search_persons(officer, **kw).items]

    assert names(q=wang.id_number) == ["王小明"]
    assert names(q=" " + wang.id_number.lower() + " ") == ["王小明"]
    assert names(q="王") == ["王小明"]
    assert names(q="wang") == ["汪晓梅", "王小明"]  # wangxiaomei < wangxiaoming
    assert names(q="wangxiaomi") == ["王小明"]
    assert names(q="wxm") == ["王小明", "汪晓梅"]  # same initials: oldest record first
    assert names(q="lm") == ["李明"]
    assert names(q="WXM") == names(q="wxm")
    first = selectors.search_persons(officer, page_size=2)
    assert len(first.items) == 2 and first.next_cursor and first.count_text == "3"
    second = selectors.search_persons(officer, page_size=2, cursor=first.next_cursor)
    assert len(second.items) == 1 and second.next_cursor is None
    assert {p.pk for p in first.items}.isdisjoint({p.pk for p in second.items})
    for q, expected in (("w", ["汪晓梅", "王小明"]), ("wx", ["王小明", "汪晓梅"]), ("wang", ["汪晓梅", "王小明"])):
        one = selectors.search_persons(officer, q=q, page_size=1)
        two = selectors.search_persons(officer, q=q, page_size=1, cursor=one.next_cursor)
        assert [p.name for p in one.items + two.items] == expected and two.next_cursor is None


@pytest.mark.django_db
def test_count_is_capped(officer, village_a):
    for i in range(4):
        make_person(village_a, name=f"陆{i}明", birth_date=D(1990, 1, 1 + i))
    assert selectors.capped_count(Person.objects.all(), cap=3) == "3+"
    assert selectors.capped_count(Person.objects.all(), cap=4) == "4"


@pytest.mark.django_db
def test_a_page_counts_the_whole_search_on_every_page_in_its_own_query(officer: Any, village_a: Any,
                                                                       monkeypatch: Any) -> None:
    """The capped count rides on the page's query (one query a page): it counts the search, not the page, on the
    first, a later and a page past the end, stops at the cap, and is 0 when nothing matches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(5):
        make_person(village_a, name=f"陆{i}明", birth_date=D(1990, 1, 1 + i))
    make_person(village_a, name="李明", birth_date=D(1991, 1, 1))
    with CaptureQueriesContext(connection) as ctx:
        first = selectors.search_persons(officer, q="陆", page_size=2)
    assert len(ctx.captured_queries) == 1 and first.count_text == "5"
    second = selectors.search_persons(officer, q="陆", page_size=2, cursor=first.next_cursor)
    third = selectors.search_persons(officer, q="陆", page_size=2, cursor=second.next_cursor)
    assert second.count_text == third.count_text == "5" and len(third.items) == 1 and third.next_cursor is None
    past = selectors.search_persons(officer, q="陆", page_size=2, cursor=f"陆9明|{10**9}")
    assert past.items == [] and past.count_text == "5"
    assert selectors.search_persons(officer, q="张").count_text == "0"
    assert selectors.search_persons(officer).count_text == "6"
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    capped = selectors.search_persons(officer, page_size=2)
    assert capped.count_text == "3+" and len(capped.items) == 2


@pytest.mark.django_db
def test_history_shows_who_before_after_with_masked_values(client, officer, village_a):
    p = make_person(village_a, name="王小明", phone="13800138000")
    services.person_update(p, actor=officer, phone="13900139000")
    login(client, officer)
    page = client.get(reverse("registry:person_detail", args=[p.pk])).content.decode()
    assert "联系电话" in page and "138****8000" in page and "139****9000" in page and officer.username in page
    assert "13900139000" not in page


@pytest.mark.django_db
def test_export_xlsx_text_cells_csv_bom_filename_and_audit(client, officer, village_a,
                                                           django_capture_on_commit_callbacks):
    from jisheng.registry.models import PersonExport

    p = make_person(village_a, name="王小明")
    login(client, officer)
    for fmt, q in (("xlsx", ""), ("csv", "王")):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("registry:person_export") + (f"?q={q}" if q else ""),
                        {"reason": "核对", "format": fmt, "unmasked": "on"})
    xlsx_job, csv_job = PersonExport.objects.order_by("id")
    resp = client.get(reverse("registry:export_download", args=[xlsx_job.pk]))
    assert resp["Content-Disposition"].endswith("filename*=UTF-8''%E4%BA%BA%E5%8F%A3%E4%BF%A1%E6%81%AF_"
                                                f"%E5%9F%8E%E5%8E%A2%E9%95%87_{clock.today():%Y%m%d}.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    assert ws["C2"].value == p.id_number and ws["C2"].data_type == "s" and ws["C2"].number_format == "@"
    csv_resp = client.get(reverse("registry:export_download", args=[csv_job.pk]))
    content = b"".join(csv_resp.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf") and p.id_number.encode() in content
    events = list(AuditEvent.objects.filter(action="export").order_by("id"))
    assert [(e.changes["count"], e.changes["format"]) for e in events] == [(1, "xlsx"), (1, "csv")]
    assert events[1].changes["filters"]["q"] == "王"


@pytest.mark.django_db
def test_export_rows_are_masked_unless_the_user_may_unmask(village_a):
    from jisheng.registry.exports import person_row

    p = make_person(village_a, name="王小明", phone="13800138000")
    masked = person_row(p, masked=True)
    assert masked[2] == p.id_number[:6] + "********" + p.id_number[-4:] and masked[7] == "138****8000"
    assert person_row(p, masked=False)[2] == p.id_number


@pytest.mark.django_db
def test_import_page_runs_the_job_and_offers_the_error_file(client, officer, town_a, village_a,
                                                            django_capture_on_commit_callbacks):
    login(client, officer)
    data = "姓名,性别,身份证号,出生日期,户口性质,户籍地\r\n张三,男,123,1980-01-02,农业,城厢镇\r\n".encode("gbk")
    upload = io.BytesIO(data)
    upload.name = "花名册.csv"
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("registry:import_new"), {"file": upload, "mode": "valid"})
    assert resp.status_code == 302
    detail = client.get(resp["Location"]).content.decode()
    assert "身份证号应为 18 位，实际 3 位" in detail and "hx-trigger" not in detail
    errors = client.get(resp["Location"] + "errors/?format=csv")
    assert "filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C_%E9%94%99%E8%AF%AF%E6%B8%85%E5%8D%95.csv" in \
        errors["Content-Disposition"]
    assert errors.content.decode("utf-8-sig").splitlines()[1] == "2,张*,身份证号,身份证号应为 18 位，实际 3 位"


def test_queries_are_read_as_pinyin_or_initials():
    from jisheng.registry.pinyin import is_pinyin_prefix

    assert [t for t in ("wangxiao", "lu", "zh", "w", "luj", "an") if not is_pinyin_prefix(t)] == []
    assert [t for t in ("wxm", "lm", "oynn", "ljh", "ly") if is_pinyin_prefix(t)] == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_choice_filter_prints_what_get_display_prints_in_each_language(village_a: Any, officer: Any,
                                                                           language: str) -> None:
    """``{{ obj|choice:"field" }}`` (a label table built once per language) answers what ``get_<field>_display``
    does: the label in the active language, the stored value when it is no choice, nothing for no object."""
    from django.utils import translation

    from jisheng.core.models import AuditEvent
    from jisheng.core.templatetags.choices import choice

    person = make_person(village_a, name="王小明")
    with translation.override(language):
        for field in ("sex", "status", "hukou_type"):
            assert choice(person, field) == getattr(person, f"get_{field}_display")()
        event = AuditEvent.objects.filter(object_id=str(person.pk)).first()
        assert event is not None and choice(event, "action") == event.get_action_display()
        assert choice(officer, "role") == officer.get_role_display()
        person.sex = "X"  # not a choice: the value itself, as get_sex_display gives it
        assert choice(person, "sex") == person.get_sex_display() == "X"
        assert choice(None, "sex") == ""
    with translation.override("zh-hans"):
        chinese = choice(officer, "role")
    with translation.override("en"):
        assert choice(officer, "role") == officer.get_role_display() != chinese  # a table per language
