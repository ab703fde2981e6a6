"""The benefits pages through the web: maker–checker on a roll, bank file download, returns upload,
masked lists, audited exports, the workbench."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from jisheng.benefits import bankfiles
from jisheng.benefits.enums import RollStatus
from jisheng.benefits.models import PaymentRoll
from jisheng.core import clock, modules
from jisheng.core.models import AuditEvent
from tests.conftest import login

from .factories import approved_enrolment


def test_a_roll_from_generation_to_reconciliation_through_the_pages(client, county, village_a, make_user,
                                                                    django_capture_on_commit_callbacks):
    maker, checker = make_user("finance_officer", county), make_user("finance_officer", county)
    e = approved_enrolment(village_a, name="欧阳娜娜", start_month=dt.date(2026, 10, 1))
    login(client, maker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("benefits:roll_list"), {"programme": "special-assistance", "month": "2026-11"})
    roll = PaymentRoll.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("benefits:roll_detail", args=[roll.pk])
    roll.refresh_from_db()
    assert roll.status == RollStatus.GENERATED and roll.line_count == 1  # the task ran (immediate backend)
    page = client.get(reverse("benefits:roll_detail", args=[roll.pk])).content.decode()
    assert "欧阳**" in page and "欧阳娜娜" not in page and e.bank_account not in page
    assert "审核通过" not in page  # the maker cannot approve

    client.post(reverse("benefits:roll_action", args=[roll.pk]), {"action": "approve"})
    roll.refresh_from_db()
    assert roll.status == RollStatus.GENERATED

    login(client, checker)
    client.post(reverse("benefits:roll_action", args=[roll.pk]), {"action": "approve"})
    roll.refresh_from_db()
    assert roll.status == RollStatus.APPROVED and roll.approved_by == checker

    response = client.post(reverse("benefits:roll_action", args=[roll.pk]), {"action": "export",
                                                                             "layout": "xlsx-standard"})
    assert response["Location"] == reverse("benefits:roll_download", args=[roll.pk, 1]) + "?layout=xlsx-standard"
    download = client.get(response["Location"])
    assert "attachment" in download["Content-Disposition"]
    ws = load_workbook(io.BytesIO(download.content)).active
    assert [c.value for c in ws[2]][2:5] == ["欧阳娜娜", e.bank_account, 500]
    assert AuditEvent.objects.filter(action="export", object_type="benefits.rollline").count() == 1

    line = roll.lines.get()
    out = io.StringIO()
    csv.writer(out).writerows([["流水号", "账号", "金额", "结果"], [line.pk, e.bank_account, "500.00", "成功"]])
    upload = SimpleUploadedFile("回盘.csv", out.getvalue().encode("utf-8"))
    client.post(reverse("benefits:roll_action", args=[roll.pk]), {"action": "returns", "file": upload})
    client.post(reverse("benefits:roll_action", args=[roll.pk]), {"action": "close"})
    roll.refresh_from_db()
    assert roll.status == RollStatus.CLOSED

    public = client.get(reverse("benefits:roll_recipients", args=[roll.pk])).content.decode()
    assert "欧阳**" in public and "欧阳娜娜" not in public and e.person.id_number not in public
    assert "伤残" not in public and "死亡" not in public


def test_reports_by_town_and_the_excel_export_is_audited(client, county, village_a, make_user):
    approved_enrolment(village_a, start_month=dt.date(2026, 11, 1))
    officer = make_user("finance_officer", county)
    from jisheng.benefits import services

    roll = services.roll_open(programme="special-assistance", month=dt.date(2026, 11, 1), area=county, actor=officer)
    services.roll_generate(roll, actor=officer)
    services.roll_approve(roll, actor=make_user("finance_officer", county))
    town_officer = make_user("town_officer", village_a.parent)
    login(client, town_officer)
    page = client.get(reverse("benefits:reports"), {"month": "2026-11"}).content.decode()
    assert village_a.parent.name in page and "500" in page
    response = client.get(reverse("benefits:reports"), {"month": "2026-11", "format": "xlsx"})
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb["按镇"][2]] == [village_a.parent.name, "计划生育家庭特别扶助", 1, 500]
    assert [c.value for c in wb["新增与退出"][2]][:3] == ["新增", "王**", village_a.name]
    assert AuditEvent.objects.filter(action="export", object_type="benefits.report").exists()


def test_the_workbench_lists_rolls_awaiting_approval_for_the_other_officer_and_verifications_due(
        county, village_a, make_user):
    from jisheng.benefits import services

    maker, checker = make_user("finance_officer", county), make_user("finance_officer", county)
    roll = services.roll_open(programme="special-assistance", month=dt.date(2026, 11, 1), area=county, actor=maker)
    services.roll_generate(roll, actor=maker)
    e = approved_enrolment(village_a, start_month=dt.date(2025, 1, 1), approved_on=dt.date(2025, 1, 1))
    services.verification_schedule(programme="special-assistance", year=2026, area=county, actor=None)
    items = {i.module: i for i in modules.workbench_for(checker)}["benefits"]
    assert [t.url for t in items.todos] == [reverse("benefits:roll_detail", args=[roll.pk])]
    assert {i.module: i for i in modules.workbench_for(maker)}["benefits"].todos == []
    with clock.frozen(dt.date(2026, 3, 15)):
        town = {i.module: i for i in modules.workbench_for(make_user("town_officer", village_a.parent))}["benefits"]
    assert [(t.url, t.due) for t in town.deadlines_at_risk] == [
        (reverse("benefits:enrolment_detail", args=[e.pk]), dt.date(2026, 3, 31))]


def test_staff_enter_an_application_and_see_the_determination(client, county, village_a, make_user):
    from jisheng.registry.tests.factories import make_person

    person = make_person(village_a, name="陈芳", sex="F", birth_date=dt.date(1960, 1, 1))
    login(client, make_user("town_officer", village_a.parent))
    response = client.post(reverse("benefits:enrolment_new"), {
        "id_number": person.id_number, "programme": "special-assistance", "application_date": "2026-11-02",
        "only_one_child": "true"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    # no child in the registry, one child confirmed by staff, none living: a deceased-child family, eligible
    assert "符合条件" in page and "独生子女死亡家庭" in page
    assert "《全国独生子女伤残死亡家庭扶助制度试点方案》第2条" in page and "special-assistance-pilot" not in page
    assert AuditEvent.objects.filter(action="view", object_type="benefits.enrolment").count() == 1
    outside = make_person(village_a.parent.parent.children.exclude(pk=village_a.parent.pk).first(), name="外镇")
    response = client.post(reverse("benefits:enrolment_new"), {
        "id_number": outside.id_number, "programme": "special-assistance", "application_date": "2026-11-02"})
    assert "本辖区人口信息中没有此身份证号" in response.content.decode()


def test_a_town_officer_opens_a_posting_for_everyone_awaiting_it_and_closes_it_after_the_period(
        client, county, village_a, make_user):
    from jisheng.benefits.enums import EnrolmentStatus
    from jisheng.benefits.models import Posting

    waiting = approved_enrolment(village_a, name="赵敏", status=EnrolmentStatus.VILLAGE_REVIEW, start_month=None)
    other_town = approved_enrolment(county.children.exclude(pk=village_a.parent_id).filter(level=4).first()
                                    .children.first(), status=EnrolmentStatus.VILLAGE_REVIEW, start_month=None)
    login(client, make_user("town_officer", village_a.parent))
    with clock.frozen(dt.date(2026, 11, 2)):
        response = client.post(reverse("benefits:posting_list"), {
            "programme": "special-assistance", "level": "village", "area_code": village_a.parent.code,
            "start_date": "2026-11-02"})
        posting = Posting.objects.get()
        assert response["Location"] == reverse("benefits:posting_detail", args=[posting.pk])
        assert list(posting.entries.values_list("enrolment_id", flat=True)) == [waiting.pk]
        assert other_town.pk not in posting.entries.values_list("enrolment_id", flat=True)
        page = client.get(response["Location"]).content.decode()
        assert "赵*" in page and "赵敏" not in page and "2026年11月8日" in page
    with clock.frozen(dt.date(2026, 11, 8)):
        client.post(reverse("benefits:posting_close", args=[posting.pk]), {"objections": ""})
        posting.refresh_from_db()
        assert posting.status == "open"  # last day of the period
    with clock.frozen(dt.date(2026, 11, 9)):
        client.post(reverse("benefits:posting_close", args=[posting.pk]), {"objections": "无"})
        posting.refresh_from_db()
        assert posting.status == "closed" and posting.objections == "无"


def test_a_large_bank_file_is_written_by_a_background_job_and_then_downloaded(
        client, county, village_a, make_user, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks):
    from jisheng.benefits import services
    from jisheng.benefits.models import RollRun

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "BACKGROUND_EXPORT_LINES", 1)
    maker, checker = make_user("finance_officer", county), make_user("finance_officer", county)
    for name in ("甲一", "乙二"):
        approved_enrolment(village_a, name=name)
    roll = services.roll_open(programme="special-assistance", month=dt.date(2026, 11, 1), area=county, actor=maker)
    services.roll_generate(roll, actor=maker)
    services.roll_approve(roll, actor=checker)
    login(client, maker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("benefits:roll_action", args=[roll.pk]), {"action": "export",
                                                                                 "layout": "fixed-rcb"})
    assert response["Location"] == reverse("benefits:roll_detail", args=[roll.pk])
    run = RollRun.objects.get(roll=roll, step="export")
    assert run.status == "done" and run.done == 2 and run.percent == 100
    download = client.get(reverse("benefits:roll_download", args=[roll.pk, 1]))
    content = b"".join(download.streaming_content)
    assert content == services.render_batch(roll.batches.get(), layout=bankfiles.layout_for(key="fixed-rcb"))
    assert len(content.split(b"\r\n")) == 3
