"""Roster import (contract §6): encodings, date formats, Excel-mangled IDs, error file, idempotence."""

import datetime as dt
import io

import openpyxl
import pytest

from jisheng.core.idnumber import make_id_number
from jisheng.registry.models import Person, RosterImport
from jisheng.registry.roster import detect_encoding, parse_date
from jisheng.registry.services import roster_import_create, roster_import_file

EXCEL = "身份证号被 Excel 转成了数字（科学计数法），请将该列设为文本后重新导出"
HEADER = ["姓名", "性别", "身份证号", "出生日期", "户口性质", "户籍地", "现居住地", "联系电话", "民族"]


def _rows(town, village):
    return [
        ["陆建华", "男", make_id_number("320585", dt.date(1975, 3, 8), 11), "1975年3月8日", "农业", town.name,
         village.code, "13912345678", "汉"],
        ["顾秀英", "女", make_id_number("320522", dt.date(1978, 8, 25), 22).lower(), "1978.8.25", "非农业",
         town.code, village.code, "", "汉族"],
        ["欧阳娜娜", "女", make_id_number("341221", dt.date(1990, 12, 1), 4), "1990/12/1", "农业", "安徽省临泉县",
         village.code, "", "回族"],
        ["沈 明", "男", make_id_number("320585", dt.date(2013, 8, 25), 31), "20130825", "农业", town.name,
         village.code, "", ""],
    ]


def _csv(rows, encoding):
    text = "\r\n".join(",".join(r) for r in [HEADER, *rows]) + "\r\n"
    if encoding == "utf-8-sig":
        return text.encode("utf-8-sig")
    return text.encode(encoding)


def _snapshot():
    return sorted(Person.objects.values_list("name", "sex", "birth_date", "id_number", "hukou_type", "hukou_area_id",
                                             "hukou_place", "residence_area_id", "phone", "ethnicity", "is_floating"))


@pytest.mark.django_db
@pytest.mark.parametrize("encoding,label", [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8-BOM"), ("gbk", "GBK"),
                                            # a GB18030 file with only GBK characters is byte-identical to GBK
                                            ("gb18030", "GBK"), ("utf-16", "UTF-16")])
def test_five_encodings_import_identical_rows(encoding, label, county, town_a, village_a):
    rows = _rows(town_a, village_a)
    outcome = roster_import_file(filename="花名册.csv", data=_csv(rows, encoding), scope=county, actor=None)
    assert outcome.encoding == label
    assert outcome.as_json() == {"rows": 4, "imported": 4, "unchanged": 0, "errors": []}
    reference = _snapshot()
    assert [r[:4] for r in reference] == sorted([
        ("欧阳娜娜", "F", dt.date(1990, 12, 1), rows[2][2]), ("沈 明", "M", dt.date(2013, 8, 25), rows[3][2]),
        ("陆建华", "M", dt.date(1975, 3, 8), rows[0][2]), ("顾秀英", "F", dt.date(1978, 8, 25), rows[1][2].upper()),
    ])
    floating = Person.objects.get(name="欧阳娜娜")
    assert (floating.hukou_area, floating.hukou_place, floating.is_floating) == (None, "安徽省临泉县", True)
    assert Person.objects.get(name="陆建华").hukou_area == town_a
    assert Person.objects.get(name="陆建华").ethnicity == "汉族"


@pytest.mark.django_db
def test_every_encoding_gives_the_same_rows(county, town_a, village_a):
    rows = _rows(town_a, village_a)
    snapshots = []
    for encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"):
        Person.objects.all().delete()
        roster_import_file(filename="r.csv", data=_csv(rows, encoding), scope=county, actor=None)
        snapshots.append([r for r in _snapshot()])
    assert all(s == snapshots[0] for s in snapshots) and len(snapshots[0]) == 4
    # and the same roster as .xlsx with text cells
    Person.objects.all().delete()
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    roster_import_file(filename="r.xlsx", data=buf.getvalue(), scope=county, actor=None)
    assert _snapshot() == snapshots[0]


@pytest.mark.django_db
def test_second_import_changes_nothing(county, town_a, village_a):
    data = _csv(_rows(town_a, village_a), "gbk")
    first = roster_import_file(filename="r.csv", data=data, scope=county, actor=None)
    before = _snapshot()
    updated = list(Person.objects.order_by("id").values_list("id", "updated_at"))
    second = roster_import_file(filename="r.csv", data=data, scope=county, actor=None)
    assert (first.imported, first.unchanged) == (4, 0)
    assert second.as_json() == {"rows": 4, "imported": 0, "unchanged": 4, "errors": []}
    assert _snapshot() == before
    assert list(Person.objects.order_by("id").values_list("id", "updated_at")) == updated


@pytest.mark.django_db
def test_bad_rows_are_each_reported_and_mode_all_imports_nothing(county, town_a, village_a, town_b):
    good = _rows(town_a, village_a)
    bad_check = make_id_number("320585", dt.date(1980, 1, 2), 15)[:17] + "0"
    rows = [
        good[0],
        ["张三", "男", bad_check, "1980-01-02", "农业", town_a.name, "", "", ""],          # row 3: check digit
        ["李四", "男", "4.40981E+17", "1980-01-02", "农业", town_a.name, "", "", ""],       # row 4: Excel number
        ["王五", "女", make_id_number("320585", dt.date(1981, 2, 3), 12), "1981-2-30", "居民", town_a.name, "", "", ""],
        good[0],                                                                          # row 6: repeated
        ["赵六", "男", make_id_number("320585", dt.date(1982, 3, 4), 13), "1982-3-4", "农业", "火星村", "", "", ""],
    ]
    data = _csv(rows, "utf-8")
    expected_check = make_id_number("320585", dt.date(1980, 1, 2), 15)[-1]
    outcome = roster_import_file(filename="r.csv", data=data, scope=county, actor=None, mode="all")
    assert outcome.errors == [
        {"row": 3, "name": "张*", "column": "身份证号", "problem": f"校验码应为 {expected_check}"},
        {"row": 4, "name": "李*", "column": "身份证号", "problem": EXCEL},
        {"row": 5, "name": "王*", "column": "出生日期", "problem": "日期不存在：1981-2-30"},
        {"row": 5, "name": "王*", "column": "户口性质", "problem": "户口性质应为农业或非农业，实际为“居民”"},
        {"row": 6, "name": "陆**", "column": "身份证号", "problem": "与第 2 行身份证号重复"},
        {"row": 7, "name": "赵*", "column": "户籍地",
         "problem": "未知的地区：火星村（户籍在外地的人员请填写现居住地）"},
    ]
    assert (outcome.rows, outcome.imported, Person.objects.count()) == (6, 0, 0)
    valid = roster_import_file(filename="r.csv", data=data, scope=county, actor=None, mode="valid")
    assert (valid.imported, len(valid.errors), Person.objects.count()) == (1, 6, 1)
    # a town officer of 沙溪镇 may not import people living in 城厢镇
    Person.objects.all().delete()
    scoped = roster_import_file(filename="r.csv", data=_csv(good[:1], "utf-8"), scope=town_b, actor=None)
    assert scoped.errors == [{"row": 2, "name": "陆**", "column": "现居住地",
                              "problem": "该地区不在本次导入的管辖范围内"}]


@pytest.mark.django_db
def test_xlsx_numeric_id_cell_and_date_serial(county, town_a, village_a):
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.active.append(["李四", "男", 440981199001011000, 32874, "农业", town_a.name, village_a.code, "", ""])
    wb.active.append(["陆建华", "男", make_id_number("320585", dt.date(1990, 1, 1), 11), 32874, "农业", town_a.name,
                      village_a.code, "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    outcome = roster_import_file(filename="r.xlsx", data=buf.getvalue(), scope=county, actor=None)
    assert outcome.errors == [{"row": 2, "name": "李*", "column": "身份证号", "problem": EXCEL}]
    assert Person.objects.get().birth_date == dt.date(1990, 1, 1)


@pytest.mark.parametrize("text,expected", [
    ("2013年8月25日", dt.date(2013, 8, 25)), ("2013.8.25", dt.date(2013, 8, 25)), ("2013/8/25", dt.date(2013, 8, 25)),
    ("20130825", dt.date(2013, 8, 25)), ("41511", dt.date(2013, 8, 25)), (41511, dt.date(2013, 8, 25)),
    (dt.datetime(2013, 8, 25, 0, 0), dt.date(2013, 8, 25)),
])
def test_date_formats(text, expected):
    assert parse_date(text) == expected


def test_encoding_detection_labels():
    text = "姓名,性别\r\n顾秀英,女\r\n"
    assert detect_encoding(text.encode("utf-8"))[1] == "UTF-8"
    assert detect_encoding(text.encode("utf-8-sig"))[1] == "UTF-8-BOM"
    assert detect_encoding(text.encode("gbk"))[1] == "GBK"
    assert detect_encoding(text.encode("utf-16"))[1] == "UTF-16"
    assert detect_encoding(text.encode("utf-16-le"))[1] == "UTF-16"
    assert detect_encoding("𠀀,䶮".encode("gb18030"))[1] == "GB18030"


@pytest.mark.django_db
def test_background_job_records_progress_and_errors(county, town_a, village_a, make_user,
                                                    django_capture_on_commit_callbacks):
    user = make_user("town_officer", town_a)
    rows = [*_rows(town_a, village_a), ["张三", "男", "123", "1980-01-02", "农业", town_a.name, "", "", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        job = roster_import_create(filename="花名册.csv", data=_csv(rows, "gb18030"), mode="valid", area=town_a,
                                   actor=user)
    job = RosterImport.objects.get(pk=job.pk)
    assert (job.status, job.rows, job.processed, job.imported, job.unchanged, job.percent) == ("done", 5, 5, 4, 0, 100)
    assert job.errors == [{"row": 6, "name": "张*", "column": "身份证号", "problem": "身份证号应为 18 位，实际 3 位"}]
    assert job.created_by == user


@pytest.mark.django_db
def test_a_shared_village_name_resolves_inside_the_scope(county, town_a, village_a):
    from jisheng.core.models import Area

    twin = Area.objects.create(code="320585110901", name=village_a.name, kind=village_a.kind, level=5,
                               parent=Area.objects.get(code="320585110000"), is_demo=True)
    row = ["陆建华", "男", make_id_number("320585", dt.date(1975, 3, 8), 11), "1975-3-8", "农业", town_a.name,
           village_a.name, "", ""]
    data = _csv([row], "utf-8")
    n = Area.objects.filter(name=village_a.name).count()
    assert n >= 2
    assert roster_import_file(filename="r.csv", data=data, scope=county, actor=None, dry_run=True).errors == [
        {"row": 2, "name": "陆**", "column": "现居住地",
         "problem": f"地名“{village_a.name}”对应 {n} 个地区，请填写区划代码"}]
    assert roster_import_file(filename="r.csv", data=data, scope=town_a, actor=None).imported == 1
    assert Person.objects.get().residence_area == village_a
    assert twin.pk
