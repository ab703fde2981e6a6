"""The registry under misuse: hand-edited links, oversized API fields, nasty rosters, formula cells, audit."""

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from jisheng.core.errors import InvalidInput
from jisheng.core.idnumber import make_id_number
from jisheng.core.models import AuditEvent
from jisheng.registry import exports, services
from jisheng.registry.models import ImportStatus, Person
from jisheng.registry.tests.factories import make_person
from tests.conftest import login

HEADER = "姓名,性别,身份证号,出生日期,户口性质,户籍地\r\n"


@pytest.fixture
def officer(make_user, town_a):
    return make_user("town_officer", town_a)


@pytest.mark.django_db
def test_a_hand_edited_page_cursor_is_no_server_error(client, officer, village_a):
    make_person(village_a, name="张三")
    login(client, officer)
    for after in ("abc", "x|y", "1e9", "|"):
        page = client.get(reverse("registry:person_list"), {"q": "zhang", "after": after})
        assert page.status_code == 200 and "张三" in page.content.decode()
        plain = client.get(reverse("registry:person_list"), {"after": after})
        assert plain.status_code == 200
    api = client.get("/api/v1/registry/persons", {"after": "abc"})
    assert api.status_code == 400 and api.json()["detail"] == "after: 无效的翻页位置"
    assert client.get("/api/v1/registry/persons", {"q": "zhang", "after": "a|b"}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "detail"), [
    ("name", "张" * 65, "姓名: 不能超过 64 个字符（现为 65 个）"),
    ("name", '=HYPERLINK("http://x","a")', "姓名: 姓名含有公式或控制字符"),
    ("hukou_type", "martian", "户口性质: 户口性质应为农业或非农业"),
    ("ethnicity", "汉" * 17, "民族: 不能超过 16 个字符（现为 17 个）"),
    ("phone", "1" * 21, "联系电话: 不能超过 20 个字符（现为 21 个）"),
    ("hukou_place", "某" * 129, "户籍地（区外）: 不能超过 128 个字符（现为 129 个）"),
])
def test_the_api_refuses_fields_the_database_would_refuse(client, officer, village_a, field, value, detail):
    login(client, officer)
    body = {"name": "张三", "sex": "M", "birth_date": "1990-01-01", "hukou_type": "rural",
            "residence_area_code": village_a.code, field: value}
    response = client.post("/api/v1/registry/persons", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == detail
    assert not Person.objects.exists()


def _import(data, town, name="r.csv"):
    return services.roster_import_file(filename=name, data=data, scope=town, actor=None)


@pytest.mark.django_db
def test_a_bom_over_gbk_text_and_a_cut_utf16_file_are_reported_not_crashed(town_a, village_a):
    row = f"李四,男,{make_id_number('320585', dt.date(1990, 1, 1), 123)},1990-01-01,农业,{village_a.name}\r\n"
    with pytest.raises(InvalidInput, match=r"^r\.csv: 文件标明为 UTF-8-BOM 编码，但第 1 个字节起不是该编码"):
        _import(b"\xef\xbb\xbf" + (HEADER + row).encode("gbk"), town_a)
    with pytest.raises(InvalidInput, match=r"^r\.csv: 文件标明为 UTF-16 编码"):
        _import("姓名".encode("utf-16") + b"a", town_a)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_rows_the_database_would_refuse_are_row_errors_and_the_rest_imports(town_a, village_a):
    good = make_id_number("320585", dt.date(1990, 1, 1), 123)
    rows = (f"{'张' * 80},男,{make_id_number('320585', dt.date(1980, 1, 1), 11)},1980-01-01,农业,{village_a.name}\r\n"
            f'"=HYPERLINK(""http://x"",""a"")",男,{make_id_number("320585", dt.date(1981, 1, 1), 13)},1981-01-01,农业,'
            f"{village_a.name}\r\n"
            f"李四,男,{good},1990-01-01,农业,{village_a.name}\r\n")
    outcome = _import((HEADER + rows).encode(), town_a)
    assert (outcome.rows, outcome.imported) == (3, 1)
    assert outcome.errors == [
        {"row": 2, "name": "张" + "*" * 79, "column": "姓名", "problem": "不能超过 64 个字符（现为 80 个）"},
        {"row": 3, "name": "=" + "*" * 25, "column": "姓名", "problem": "姓名含有公式或控制字符"},
    ]
    assert list(Person.objects.values_list("id_number", flat=True)) == [good]


@pytest.mark.django_db
def test_an_unexpected_failure_ends_the_job_as_failed(town_a, officer, monkeypatch, caplog):
    def boom(**kwargs):
        raise RuntimeError("320585199001011234 secret")

    monkeypatch.setattr(services, "roster_import_file", boom)
    job = services.roster_import_create(filename="r.csv", data=HEADER.encode(), mode="valid", area=town_a,
                                        actor=officer)
    job = services.roster_import_run(job.pk)
    assert job.status == ImportStatus.FAILED
    assert job.message == "导入意外中止（RuntimeError），请联系系统管理员；已导入的行保留，可修正后重新导入"
    assert "RuntimeError" in caplog.text and "320585199001011234" not in caplog.text


def test_formula_like_text_is_never_a_live_formula_in_exports():
    rows = [['=HYPERLINK("http://x","a")', "+8613800138000", "@SUM(1)", "王小明"]]
    text = exports.rows_to_csv(("a", "b", "c", "d"), rows).decode("utf-8-sig")
    assert text.splitlines()[1] == '"\'=HYPERLINK(""http://x"",""a"")",\'+8613800138000,\'@SUM(1),王小明'
    sheet = openpyxl.load_workbook(io.BytesIO(exports.rows_to_xlsx(("a", "b", "c", "d"), rows))).active
    cell = sheet.cell(row=2, column=1)
    assert cell.value == '=HYPERLINK("http://x","a")' and cell.data_type == "s"


@pytest.mark.django_db
def test_viewing_a_person_is_audited_on_the_page_and_the_api(client, officer, village_a):
    p = make_person(village_a, name="王小明")
    login(client, officer)
    assert client.get(reverse("registry:person_detail", args=[p.pk])).status_code == 200
    assert client.get(f"/api/v1/registry/persons/{p.pk}").status_code == 200
    views = AuditEvent.objects.filter(action="view", object_type="registry.person", object_id=str(p.pk))
    assert views.count() == 2
    assert all(e.actor == officer and e.area_id == village_a.pk for e in views)
    assert "王小明" not in "".join(e.object_label for e in views)


@pytest.mark.django_db
def test_a_pair_across_two_towns_is_reviewed_by_the_county(client, officer, make_user, county, village_a, village_b):
    from jisheng.registry.models import DuplicateCandidate

    old = make_person(village_b, name="周八", sex="M", birth_date=dt.date(1950, 1, 1))
    services.person_record_death(old, date=dt.date(2020, 1, 1), actor=None)
    new = make_person(village_a, name="周八", sex="M", birth_date=dt.date(1950, 1, 1), id_number=old.id_number)
    pair = DuplicateCandidate.objects.get(person_a=old, person_b=new)
    login(client, officer)
    assert "周八" not in client.get(reverse("registry:duplicate_list")).content.decode()
    assert client.get(reverse("registry:duplicate_detail", args=[pair.pk])).status_code == 404
    assert client.post(reverse("registry:duplicate_merge", args=[pair.pk])).status_code == 404
    pair.refresh_from_db()
    assert pair.status == "pending"
    login(client, make_user("city_admin", county))
    assert "周八" in client.get(reverse("registry:duplicate_list")).content.decode()
    assert client.get(reverse("registry:duplicate_detail", args=[pair.pk])).status_code == 200


@pytest.mark.django_db
def test_an_oversized_roster_upload_is_refused_on_the_page(client, officer, town_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jisheng.registry.models import RosterImport

    login(client, officer)
    big = SimpleUploadedFile("r.csv", HEADER.encode() + b"x" * (services.MAX_ROSTER_BYTES + 1), "text/csv")
    page = client.post(reverse("registry:import_new"), {"file": big, "mode": "valid"})
    assert page.status_code == 200 and "文件过大：20.0 MB，上限 20 MB" in page.content.decode()
    assert not RosterImport.objects.exists()


@pytest.mark.django_db
def test_the_error_file_name_carries_no_id_or_phone_number(client, officer, town_a):
    from jisheng.registry.models import RosterImport

    job = RosterImport.objects.create(filename="张三_320585199001011234_13800138000.csv", content=b"x",
                                      sha256="0" * 64, area=town_a, status="done",
                                      errors=[{"row": 2, "column": "姓名", "problem": "姓名为空"}])
    login(client, officer)
    response = client.get(reverse("registry:import_errors", args=[job.pk]), {"format": "csv"})
    disposition = response["Content-Disposition"]
    assert "320585199001011234" not in disposition and "13800138000" not in disposition
    assert "320585%2A%2A%2A%2A%2A%2A%2A%2A1234" in disposition


@pytest.mark.django_db
def test_nul_characters_in_searches_and_fields_are_no_server_error(client, officer, village_a):
    """PostgreSQL refuses NUL in text (a 500 there); every entry point answers it instead."""
    make_person(village_a, name="张三")
    login(client, officer)
    # query strings: the core middleware refuses NUL with 400 before any view or API operation runs
    assert client.get(reverse("registry:person_list"), {"q": "\x00"}).status_code == 400
    assert client.get(reverse("registry:person_list"), {"q": "zh", "after": "zh\x00|1"}).status_code == 400
    search = client.get("/api/v1/registry/persons", {"q": "zh\x00", "area": "\x00", "status": "\x00"})
    assert search.status_code == 400
    assert client.get("/api/v1/registry/persons", {"q": "zh", "after": "zh\x00|1"}).status_code == 400
    body = {"name": "张三", "sex": "M", "birth_date": "1990-01-01", "hukou_type": "rural",
            "residence_area_code": village_a.code, "hukou_place": "a\x00b"}
    created = client.post("/api/v1/registry/persons", json.dumps(body), content_type="application/json")
    assert created.status_code == 400 and created.json()["detail"] == "户籍地（区外）: 含有控制字符"


@pytest.mark.django_db
def test_progress_is_reported_after_each_chunk_is_committed(town_a, village_a):
    """A page polling the job reads it from another connection: progress written inside one open
    transaction would stay invisible (0) on PostgreSQL until the whole file is done."""
    from django.db import connection

    days = [dt.date(1970, 1, 1) + dt.timedelta(days=i) for i in range(450)]
    rows = "".join(f"人{i},男,{make_id_number('320585', day, 1)},{day:%Y-%m-%d},农业,{village_a.name}\r\n"
                   for i, day in enumerate(days))
    baseline = len(connection.atomic_blocks)
    seen = []

    def progress(done, total):
        seen.append((done, total, len(connection.atomic_blocks) - baseline))

    outcome = services.roster_import_file(filename="r.csv", data=(HEADER + rows).encode(), scope=town_a, actor=None,
                                          progress=progress)
    assert outcome.imported == 450
    assert seen == [(200, 450, 0), (400, 450, 0), (450, 450, 0)]
    again = services.roster_import_file(filename="r.csv", data=(HEADER + rows).encode(), scope=town_a, actor=None,
                                        mode="all")
    assert (again.imported, again.unchanged) == (0, 450)


@pytest.mark.django_db
def test_the_edit_form_does_not_reveal_masked_numbers_and_blank_keeps_them(client, make_user, village_a):
    p = make_person(village_a, name="王小明", phone="13800138000", bank_account="6222020200112233445")
    login(client, make_user("village_guide", village_a))  # may change records, may not unmask
    url = reverse("registry:person_edit", args=[p.pk])
    page = client.get(url).content.decode()
    for secret in (p.id_number, "13800138000", "6222020200112233445"):
        assert secret not in page
    assert p.id_number[:6] + "********" + p.id_number[-4:] in page and "138****8000" in page
    form = {"name": "王小明", "sex": "M", "birth_date": "1980-05-01", "hukou_type": "rural",
            "hukou_area": village_a.pk, "residence_area": village_a.pk, "ethnicity": "汉族"}
    assert client.post(url, form).status_code == 302
    p.refresh_from_db()
    assert (p.phone, p.bank_account) == ("13800138000", "6222020200112233445") and len(p.id_number) == 18
    assert client.post(url, {**form, "phone": "13900139000"}).status_code == 302
    p.refresh_from_db()
    assert p.phone == "13900139000"


@pytest.mark.django_db
def test_comparing_a_duplicate_pair_is_audited_for_both_records(client, officer, village_a):
    from jisheng.registry.models import DuplicateCandidate

    a = make_person(village_a, name="陈静", sex="F", birth_date=dt.date(1988, 2, 3), with_id=False)
    b = make_person(village_a, name="陈静", sex="F", birth_date=dt.date(1988, 2, 3), with_id=False)
    pair = DuplicateCandidate.objects.get(person_a=a, person_b=b)
    login(client, officer)
    assert client.get(reverse("registry:duplicate_detail", args=[pair.pk])).status_code == 200
    viewed = set(AuditEvent.objects.filter(action="view", object_type="registry.person", actor=officer)
                 .values_list("object_id", flat=True))
    assert viewed == {str(a.pk), str(b.pk)}


@pytest.mark.django_db
def test_a_pair_is_in_a_scope_only_when_its_area_and_both_its_records_are(officer, village_a, village_b):
    """duplicates_for_user: the pair's area and each record's residence inside the scope, whichever side is out."""
    from jisheng.registry.access import duplicates_for_user
    from jisheng.registry.models import DuplicateCandidate

    names = iter("甲乙丙丁戊己庚辛")

    def pair(a_area, b_area, area):  # different names: no pair of their own is flagged on creation
        return DuplicateCandidate.objects.create(
            person_a=make_person(a_area, name="吴" + next(names)),
            person_b=make_person(b_area, name="吴" + next(names)), reason="name_birth_area", source="form", area=area)

    inside = pair(village_a, village_a, village_a)
    outside = [pair(village_b, village_a, village_a), pair(village_a, village_b, village_a),
               pair(village_a, village_a, village_b)]
    seen = set(duplicates_for_user(officer).values_list("pk", flat=True))
    assert inside.pk in seen and not seen & {p.pk for p in outside}
