"""Rosters as offices really send them (issue 11, "Real-world files"): a title row above the header, the
headers people write (身份证, 出生年月), addresses as name paths (contract §6), a template to download, the
masked name beside each error, and the limits that keep a bad file from taking the worker down (rows,
uncompressed size, errors), a worker that dies mid-import, and a NUL inside a cell."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from jisheng.core import clock
from jisheng.core.errors import InvalidInput
from jisheng.core.idnumber import make_id_number
from jisheng.core.models import Area
from jisheng.registry import roster, services
from jisheng.registry.models import ImportStatus, Person, RosterImport
from tests.conftest import login

HEADER = ["姓名", "性别", "身份证号", "出生日期", "户口性质", "户籍地"]


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv(rows: list[list[str]]) -> bytes:
    return ("\r\n".join(",".join(r) for r in rows) + "\r\n").encode()


def _id(day: dt.date, seq: int) -> str:
    return make_id_number("320585", day, seq)


@pytest.fixture
def liuhe() -> Area:
    return Area.objects.get(code="320585111000")  # 浏河镇


@pytest.fixture
def liuhe_village(liuhe: Area) -> Area:
    return Area.objects.filter(parent=liuhe).order_by("code").first()  # type: ignore[return-value]


@pytest.fixture
def officer(make_user, liuhe):
    return make_user("town_officer", liuhe)


# --- title rows and headers --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_title_row_above_the_header_is_skipped_and_rows_keep_their_spreadsheet_numbers(county, liuhe):
    data = _xlsx([
        ["浏河镇 2026 年育龄妇女花名册"],
        ["填报单位：浏河镇计生办", None, None, "填报日期：2026-11-01"],
        HEADER,
        ["陆秀英", "女", _id(dt.date(1980, 1, 2), 22), "1980-01-02", "农业", "浏河镇"],
        ["顾 明", "男", "123", "1981-01-02", "农业", "浏河镇"],
    ])
    outcome = services.roster_import_file(filename="花名册.xlsx", data=data, scope=county, actor=None)
    assert (outcome.rows, outcome.imported) == (2, 1)
    assert outcome.errors == [{"row": 5, "name": "顾**", "column": "身份证号",
                               "problem": "身份证号应为 18 位，实际 3 位"}]
    assert Person.objects.get().residence_area == liuhe


@pytest.mark.django_db
def test_a_sheet_without_the_columns_names_the_missing_ones(county):
    data = _xlsx([["浏河镇花名册"], ["姓名", "性别", "身份证号"], ["陆秀英", "女", "x"]])
    with pytest.raises(InvalidInput, match="缺少必需的列：出生日期、户口性质、户籍地"):
        services.roster_import_file(filename="r.xlsx", data=data, scope=county, actor=None)


@pytest.mark.django_db
def test_the_headers_people_write_are_recognised(county, liuhe):
    day = dt.date(1975, 3, 8)
    data = _csv([
        ["序号", "姓 名", "性别", "身份证", "出生年月", "户口类别", "户籍所在地", "现住址", "手机号码"],
        ["1", "陆建华", "男", _id(day, 11), "1975.03", "农业", "浏河镇", "浏河镇", "13912345678"],
        ["2", "顾秀英", "女", _id(dt.date(1978, 8, 25), 22), "1978年8月", "非农业", "浏河镇", "", ""],
        ["3", "沈明", "男", _id(dt.date(1979, 8, 25), 31), "1979.09", "农业", "浏河镇", "", ""],
    ])
    outcome = services.roster_import_file(filename="r.csv", data=data, scope=county, actor=None)
    assert outcome.imported == 2
    assert outcome.errors == [{"row": 4, "name": "沈*", "column": "出生日期",
                               "problem": "出生年月与身份证号中的出生日期 1979-08-25 不一致"}]
    person = Person.objects.get(name="陆建华")
    assert (person.birth_date, person.phone, person.residence_area) == (day, "13912345678", liuhe)


# --- addresses as name paths (contract §6) ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["浏河镇", "太仓市浏河镇", "苏州市太仓市浏河镇", "江苏省苏州市太仓市浏河镇",
                                  "江苏省太仓市浏河镇", "江苏苏州太仓浏河镇"])
def test_a_town_written_as_a_name_path_resolves(county, liuhe, path):
    resolver = roster.AreaResolver(county)
    assert resolver.resolve(path) == liuhe


@pytest.mark.django_db
def test_a_village_written_as_a_full_name_path_resolves(county, liuhe_village):
    resolver = roster.AreaResolver(county)
    for path in (f"江苏省苏州市太仓市浏河镇{liuhe_village.name}", f"太仓市浏河镇{liuhe_village.name}",
                 f"浏河镇{liuhe_village.name}"):
        assert resolver.resolve(path) == liuhe_village, path


@pytest.mark.django_db
def test_name_paths_import_and_an_abolished_area_is_named(county, liuhe, liuhe_village):
    rows = [[*HEADER, "现居住地"],
            ["陆建华", "男", _id(dt.date(1975, 3, 8), 11), "1975-03-08", "农业", "太仓市浏河镇",
             f"江苏省苏州市太仓市浏河镇{liuhe_village.name}"],
            ["顾秀英", "女", _id(dt.date(1978, 8, 25), 22), "1978-08-25", "农业", "苏州市沧浪区", "浏河镇"],
            ["沈明", "男", _id(dt.date(1979, 8, 25), 31), "1979-08-25", "农业", "太仓市火星镇", ""]]
    outcome = services.roster_import_file(filename="r.csv", data=_csv(rows), scope=county, actor=None)
    assert outcome.imported == 2
    assert outcome.errors == [{"row": 4, "name": "沈*", "column": "户籍地",
                               "problem": "未知的地区：太仓市火星镇（户籍在外地的人员请填写现居住地）"}]
    lu = Person.objects.get(name="陆建华")
    assert (lu.hukou_area, lu.residence_area) == (liuhe, liuhe_village)
    gu = Person.objects.get(name="顾秀英")  # 沧浪区 was abolished in 2012: kept as text, not as the old area
    assert (gu.hukou_area, gu.hukou_place, gu.residence_area) == (None, "苏州市沧浪区", liuhe)
    with pytest.raises(InvalidInput, match="沧浪区已于 2012-01-01 撤销"):
        roster.AreaResolver(county).resolve("苏州市沧浪区", strict=True)


# --- template and the error list ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_template_has_the_standard_headers_and_an_example_row_that_imports_nothing(client, officer, county):
    login(client, officer)
    response = client.get(reverse("registry:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["姓名", "性别", "身份证号", "出生日期", "户口性质", "户籍地", "现居住地", "联系电话", "民族"]
    assert len(rows) == 2 and rows[1][0].startswith("（示例）")
    assert sheet.cell(row=2, column=3).number_format == "@"  # the ID column is text: Excel keeps all 18 digits
    outcome = services.roster_import_file(filename="t.xlsx", data=response.content, scope=county, actor=None)
    assert outcome.as_json() == {"rows": 0, "imported": 0, "unchanged": 0, "errors": []}
    page = client.get(reverse("registry:import_new")).content.decode()
    assert reverse("registry:import_template") in page


@pytest.mark.django_db
def test_the_error_list_names_each_person_masked_on_the_page_and_in_the_download(
        client, officer, liuhe, django_capture_on_commit_callbacks):
    rows = [HEADER, ["欧阳娜娜", "女", "123", "1990-01-01", "农业", "浏河镇"], ["", "男", "", "", "", ""]]
    login(client, officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registry:import_new"), {"file": SimpleUploadedFile("r.csv", _csv(rows)), "mode": "valid"})
    job = RosterImport.objects.get()
    assert {(e["row"], e["name"]) for e in job.errors} == {(2, "欧阳**"), (3, "")}
    page = client.get(reverse("registry:import_detail", args=[job.pk])).content.decode()
    assert "欧阳**" in page and "欧阳娜娜" not in page
    download = client.get(reverse("registry:import_errors", args=[job.pk]), {"format": "csv"})
    lines = b"".join(download.streaming_content if download.streaming else [download.content]).decode(
        "utf-8-sig").splitlines()
    assert lines[0] == "行号,姓名,列,问题" and lines[1].startswith("2,欧阳**,身份证号,")


# --- limits ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_xlsx_whose_uncompressed_size_is_over_the_cap_is_refused_before_openpyxl_reads_it(
        county, monkeypatch, officer):
    data = _xlsx([HEADER, *[["陆建华", "男", "x" * 50, "", "", ""] for _ in range(200)]])
    monkeypatch.setattr(roster, "MAX_XLSX_UNCOMPRESSED", 20_000)

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open an oversized file")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(InvalidInput, match="解压后超过"):
        services.roster_import_file(filename="r.xlsx", data=data, scope=county, actor=None)
    with pytest.raises(InvalidInput, match="解压后超过"):  # and the upload says so at once
        services.roster_import_create(filename="r.xlsx", data=data, mode="valid", area=county, actor=officer)
    with pytest.raises(InvalidInput, match="不是有效的 Excel 文件"):
        services.roster_import_file(filename="r.xlsx", data=b"PK\x03\x04 broken", scope=county, actor=None)


@pytest.mark.django_db
def test_a_sheet_of_many_almost_empty_rows_stops_at_the_error_cap_and_imports_nothing(county):
    """The probe's 187 KB .xlsx: 200,000 rows with one stray cell each drove the worker to 1.18 GB and stored a
    million errors. Reading now streams, and checking stops at MAX_ERRORS."""
    import tracemalloc

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADER)
    for _ in range(30_000):
        ws.append(["x"])
    buf = io.BytesIO()
    wb.save(buf)
    tracemalloc.start()
    outcome = services.roster_import_file(filename="r.xlsx", data=buf.getvalue(), scope=county, actor=None)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(outcome.errors) == roster.MAX_ERRORS + 1
    assert outcome.errors[-1]["problem"].startswith(f"错误超过 {roster.MAX_ERRORS} 处，已停止检查")
    assert outcome.imported == 0 and not Person.objects.exists()
    assert peak < 20 * 1024 * 1024, peak


@pytest.mark.django_db
def test_a_roster_over_the_row_cap_is_refused_as_a_file(county, monkeypatch):
    monkeypatch.setattr(roster, "MAX_ROWS", 3)
    rows = [HEADER, *[[f"人{i}", "男", _id(dt.date(1970, 1, 1 + i), 11), f"1970-01-0{1 + i}", "农业", "浏河镇"]
                      for i in range(4)]]
    with pytest.raises(InvalidInput, match="超过 3 行"):
        services.roster_import_file(filename="r.csv", data=_csv(rows), scope=county, actor=None)
    assert not Person.objects.exists()


# --- a NUL in a cell and a dying worker --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_nul_in_a_cell_is_a_row_error_and_the_job_ends(liuhe, officer, django_capture_on_commit_callbacks):
    rows = [[*HEADER, "民族"],
            ["陆建华", "男", _id(dt.date(1975, 3, 8), 11), "1975-03-08", "农业", "浏河镇", "汉\x00族"],
            ["顾秀英", "女\x00", _id(dt.date(1978, 8, 25), 22), "1978-08-25", "农业", "浏\x01河镇", ""],
            ["沈明", "男", _id(dt.date(1979, 8, 25), 31), "1979-08-25", "农业", "浏河镇", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.roster_import_create(filename="r.csv", data=_csv(rows), mode="valid", area=liuhe,
                                            actor=officer)
    job.refresh_from_db()
    assert (job.status, job.imported) == (ImportStatus.DONE, 1)
    assert [(e["row"], e["column"], e["problem"]) for e in job.errors] == [
        (2, "民族", "含有控制字符（如 NUL），请删除后重新导入"),
        (3, "性别", "含有控制字符（如 NUL），请删除后重新导入"),
        (3, "户籍地", "含有控制字符（如 NUL），请删除后重新导入"),
    ]
    assert not any(ord(ch) < 32 for e in job.errors for v in e.values() for ch in str(v))


@pytest.mark.django_db
def test_a_failing_final_save_ends_the_job_as_failed_not_stuck(liuhe, officer, monkeypatch):
    rows = [HEADER, ["陆建华", "男", _id(dt.date(1975, 3, 8), 11), "1975-03-08", "农业", "浏河镇"]]
    job = services.roster_import_create(filename="r.csv", data=_csv(rows), mode="valid", area=liuhe, actor=officer)
    real = services._import_finish

    def refuse(*args, **kwargs):
        from django.db import DataError

        raise DataError("unsupported Unicode escape sequence")

    monkeypatch.setattr(services, "_import_finish", refuse)
    job = services.roster_import_run(job.pk)
    assert job.status == ImportStatus.FAILED and "DataError" in job.message
    assert real is not None


@pytest.mark.django_db
def test_an_import_whose_worker_died_is_resumed_then_failed_after_its_heartbeat(liuhe, officer):
    rows = [HEADER, ["陆建华", "男", _id(dt.date(1975, 3, 8), 11), "1975-03-08", "农业", "浏河镇"]]
    job = services.roster_import_create(filename="r.csv", data=_csv(rows), mode="valid", area=liuhe, actor=officer)
    # the worker took the job, wrote a heartbeat and was killed (SIGKILL: no exception handler ran)
    RosterImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, processed=16, rows=100,
                                                  heartbeat_at=clock.now())
    assert services.roster_imports_recover() == []  # a fresh heartbeat: still running
    later = clock.now() + services.IMPORT_STALE_AFTER + dt.timedelta(seconds=1)
    with clock.frozen(later):
        assert services.roster_imports_recover() == [job.pk]
        job.refresh_from_db()
        assert (job.status, job.attempts) == (ImportStatus.QUEUED, 1)
        assert "中断" in job.message
        # the resumed run imports the file (a row already written would come back as unchanged)
        job = services.roster_import_run(job.pk)
        assert (job.status, job.imported) == (ImportStatus.DONE, 1)
    # a job that keeps killing its worker is failed with a message, never left "导入中" for ever
    RosterImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, attempts=services.IMPORT_MAX_ATTEMPTS,
                                                  heartbeat_at=later)
    with clock.frozen(later + services.IMPORT_STALE_AFTER + dt.timedelta(seconds=1)):
        assert services.roster_imports_recover() == [job.pk]
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "多次中断" in job.message


@pytest.mark.django_db
def test_the_polled_page_recovers_a_dead_import(client, officer, liuhe):
    job = RosterImport.objects.create(filename="r.csv", content=b"x", sha256="0" * 64, area=liuhe,
                                      status=ImportStatus.RUNNING, rows=100, processed=16,
                                      attempts=services.IMPORT_MAX_ATTEMPTS,
                                      heartbeat_at=clock.now() - services.IMPORT_STALE_AFTER * 2)
    login(client, officer)
    page = client.get(reverse("registry:import_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<strong>失败</strong>" in page and "多次中断" in page
    assert zipfile.is_zipfile(io.BytesIO(_xlsx([HEADER])))
