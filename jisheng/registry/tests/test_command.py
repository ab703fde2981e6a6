"""``jisheng registry import`` (contract §6)."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from jisheng.core.idnumber import make_id_number
from jisheng.registry.models import Person


def _file(tmp_path, rows, encoding="gbk", name="花名册.csv"):
    header = "姓名,性别,公民身份号码,出生日期,户口性质,户籍地,现居住地"
    path = tmp_path / name
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path


@pytest.mark.django_db
def test_import_json_then_again_unchanged_and_dry_run(tmp_path, capsys, village_a):
    good = f"陆建华,男,{make_id_number('320585', dt.date(1975, 3, 8), 11)},1975年3月8日,农业,城厢镇,{village_a.code}"
    bad = "张三,男,4.40981E+17,1980-01-02,农业,城厢镇,"
    path = _file(tmp_path, [good, bad])
    call_command("registry", "import", str(path), "--dry-run", "--json")
    assert json.loads(capsys.readouterr().out)["imported"] == 0 and Person.objects.count() == 0
    call_command("registry", "import", str(path), "--json")
    first = json.loads(capsys.readouterr().out)
    excel = "身份证号被 Excel 转成了数字（科学计数法），请将该列设为文本后重新导出"
    assert first == {"rows": 2, "imported": 1, "unchanged": 0,
                     "errors": [{"row": 3, "name": "张*", "column": "身份证号", "problem": excel}]}
    call_command("registry", "import", str(path), "--json")
    assert json.loads(capsys.readouterr().out) == {**first, "imported": 0, "unchanged": 1}
    call_command("registry", "import", str(path), "--mode", "all", "--json")
    assert json.loads(capsys.readouterr().out)["imported"] == 0


@pytest.mark.django_db
def test_unreadable_file_exits_2(tmp_path, capsys, county):
    path = tmp_path / "名单.csv"
    path.write_bytes("姓名,性别\r\n".encode())
    with pytest.raises(SystemExit) as exc:
        call_command("registry", "import", str(path), "--json")
    assert exc.value.code == 2
    assert "缺少必需的列：身份证号、出生日期、户口性质、户籍地" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        call_command("registry", "import", str(tmp_path / "missing.xlsx"))
    assert exc.value.code == 2
