"""Reading and checking roster files (花名册): .xlsx and .csv in the encodings offices really use (contract §6).

:func:`read_table` turns the file into header + rows of cell values; :func:`parse_rows` checks every
row and returns clean values plus ``{"row", "column", "problem"}`` errors with spreadsheet row numbers
(header = row 1). Writing the rows is :func:`jisheng.registry.services.roster_import_run`'s job.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from jisheng.core.errors import InvalidInput
from jisheng.core.idnumber import looks_like_excel_number, sex_of, validate_id_number
from jisheng.core.models import Area

#: Header aliases → field. Required: 姓名, 性别, 身份证号, 出生日期, 户口性质, 户籍地.
HEADERS: dict[str, str] = {
    "姓名": "name", "性别": "sex", "身份证号": "id_number", "公民身份号码": "id_number", "身份证号码": "id_number",
    "出生日期": "birth_date", "户口性质": "hukou_type", "户籍地": "hukou", "现居住地": "residence",
    "联系电话": "phone", "民族": "ethnicity",
}
REQUIRED = ("name", "sex", "id_number", "birth_date", "hukou_type", "hukou")
COLUMN_LABEL = {"name": "姓名", "sex": "性别", "id_number": "身份证号", "birth_date": "出生日期",
                "hukou_type": "户口性质", "hukou": "户籍地", "residence": "现居住地", "phone": "联系电话",
                "ethnicity": "民族"}
_SEX = {"男": "M", "女": "F", "M": "M", "F": "F", "男性": "M", "女性": "F"}
_HUKOU = {"农业": "rural", "农业户口": "rural", "农村": "rural", "非农业": "urban", "非农业户口": "urban",
          "城镇": "urban", "rural": "rural", "urban": "urban"}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})[./\-](\d{1,2})[./\-](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


@dataclass
class Table:
    """A roster read from a file: ``header`` cells, ``rows`` of cell values, the detected ``encoding``."""

    header: list[str]
    rows: list[list[Any]]
    encoding: str


@dataclass
class ParsedRow:
    """One checked row: its spreadsheet number and clean values (areas resolved)."""

    row: int
    values: dict[str, Any] = field(default_factory=dict)


def detect_encoding(data: bytes) -> tuple[str, str]:
    """Return ``(codec, label)`` for CSV bytes: UTF-8 (with or without BOM), UTF-16, GBK or GB18030.

    Raises:
        InvalidInput: none of them decodes the file.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", "UTF-8-BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", "UTF-16"
    head = data[:4000]
    # UTF-16 without a byte-order mark: ASCII separators come with a zero byte after (LE) or before (BE)
    if b",\x00" in head and b"\n\x00" in head and len(data) % 2 == 0:
        return "utf-16-le", "UTF-16"
    if b"\x00," in head and b"\x00\n" in head and len(data) % 2 == 0:
        return "utf-16-be", "UTF-16"
    for codec, label in (("utf-8", "UTF-8"), ("gbk", "GBK"), ("gb18030", "GB18030")):
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec, label
    raise InvalidInput("无法识别文件编码（支持 UTF-8、GBK、GB18030、UTF-16）")


def read_table(filename: str, data: bytes) -> Table:
    """Read a roster file (.xlsx or .csv) into a :class:`Table`; empty trailing rows dropped.

    Raises:
        InvalidInput: unknown extension, unreadable file, bytes not in the detected encoding (a UTF-8 BOM
            over GBK text, a truncated UTF-16 file) or no header row, naming the file.
    """
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise InvalidInput(f"无法读取 Excel 文件：{type(exc).__name__}", location=filename) from None
        ws = wb.worksheets[0]
        cells = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
        encoding = "xlsx"
    elif lower.endswith(".csv"):
        codec, encoding = detect_encoding(data)
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:  # a BOM promising one encoding over bytes of another, or a cut file
            raise InvalidInput(f"文件标明为 {encoding} 编码，但第 {exc.start + 1} 个字节起不是该编码（可能混用了 GBK "
                               "等其他编码或文件不完整），请用同一种编码重新保存", location=filename) from None
        if text.startswith("\ufeff"):
            text = text[1:]
        cells = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    else:
        raise InvalidInput("只支持 .xlsx 或 .csv 文件", location=filename)
    while cells and all(c in (None, "") for c in cells[-1]):
        cells.pop()
    if not cells:
        raise InvalidInput("文件为空", location=filename)
    header = [str(c or "").strip() for c in cells[0]]
    return Table(header=header, rows=cells[1:], encoding=encoding)


def column_map(header: list[str], filename: str = "") -> dict[str, int]:
    """Return ``{field: column index}`` for a header row.

    Raises:
        InvalidInput: a required column is missing ("缺少必需的列：身份证号").
    """
    found: dict[str, int] = {}
    for i, title in enumerate(header):
        key = HEADERS.get(title.replace(" ", "").replace("\u3000", ""))
        if key and key not in found:
            found[key] = i
    missing = [COLUMN_LABEL[k] for k in REQUIRED if k not in found]
    if missing:
        raise InvalidInput(f"缺少必需的列：{'、'.join(missing)}", location=filename or None)
    return found


def parse_date(value: Any) -> dt.date:
    """Parse a roster date: a date/datetime cell, an Excel serial (number), 2013年8月25日, 2013.8.25,
    2013/8/25, 2013-8-25 or 20130825.

    Raises:
        InvalidInput: "无法识别的日期：…" (unrecognised date) or "日期不存在：…" (no such day).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 80000:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        value = str(int(value))
    text = str(value or "").strip().replace(" ", "")
    if re.fullmatch(r"\d{4,5}(\.0)?", text):
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise InvalidInput(f"日期不存在：{text}") from None
    raise InvalidInput(f"无法识别的日期：{text}" if text else "日期为空")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class AreaResolver:
    """Resolve 户籍地 / 现居住地 cells (a 6- or 12-digit code, or a name) to areas, cached.

    A name matches an area's name or its "town + village" name (城厢镇南园社区); when several areas
    share a name, the one inside ``scope`` wins; a name still ambiguous is an error naming the count.
    """

    def __init__(self, scope: Area | None = None) -> None:
        self.scope = scope
        areas = list(Area.objects.all())
        self.by_code = {a.code: a for a in areas}
        by_pk = {a.pk: a for a in areas}
        self.by_name: dict[str, list[Area]] = {}
        for a in areas:
            self.by_name.setdefault(a.name, []).append(a)
            parent = by_pk.get(a.parent_id) if a.parent_id else None
            if parent is not None and a.level >= 5:
                self.by_name.setdefault(parent.name + a.name, []).append(a)

    def resolve(self, text: str) -> Area | None:
        """Return the area for ``text`` or None when unknown.

        Raises:
            InvalidInput: the name matches several areas.
        """
        text = text.strip()
        if text.isdigit():
            return self.by_code.get(text)
        matches = self.by_name.get(text, [])
        if len(matches) > 1 and self.scope is not None:
            inside = [a for a in matches if self.scope.contains(a)]
            matches = inside or matches
        if len(matches) > 1:
            raise InvalidInput(f"地名“{text}”对应 {len(matches)} 个地区，请填写区划代码")
        return matches[0] if matches else None


def parse_rows(table: Table, *, scope: Area, today: dt.date, filename: str = "") -> tuple[list[ParsedRow],
                                                                                           list[dict[str, Any]]]:
    """Check every row of ``table``; return (valid rows, errors).

    A row is valid when every column checks out: name present; 性别 男/女 and matching the ID number;
    the ID number valid (see :func:`jisheng.core.idnumber.validate_id_number`, Excel-mangled numbers
    reported) and not repeated in the file; the birth date a real date equal to the ID's; 户口性质
    农业/非农业; 户籍地 a known area (or, for people registered elsewhere, any place when 现居住地 is
    given); the residence inside ``scope``. Empty rows are skipped.

    Raises:
        InvalidInput: a required column is missing.
    """
    cols = column_map(table.header, filename)
    resolver = AreaResolver(scope)
    seen_ids: dict[str, int] = {}
    valid: list[ParsedRow] = []
    errors: list[dict[str, Any]] = []
    for offset, cells in enumerate(table.rows):
        row = offset + 2
        if all(c in (None, "") or str(c).strip() == "" for c in cells):
            continue

        def cell(key: str, cells: list[Any] = cells) -> Any:
            i = cols.get(key)
            return cells[i] if i is not None and i < len(cells) else None

        problems: list[tuple[str, str]] = []
        values: dict[str, Any] = {}
        name = _cell_text(cell("name"))
        if not name:
            problems.append(("name", "姓名为空"))
        values["name"] = name
        sex = _SEX.get(_cell_text(cell("sex")).upper() if _cell_text(cell("sex")).isascii()
                       else _cell_text(cell("sex")))
        if sex is None:
            problems.append(("sex", f"性别应为男或女，实际为“{_cell_text(cell('sex'))}”"))
        values["sex"] = sex
        birth: dt.date | None = None
        try:
            birth = parse_date(cell("birth_date"))
            if birth > today:
                problems.append(("birth_date", "出生日期晚于今天"))
                birth = None
        except InvalidInput as exc:
            problems.append(("birth_date", str(exc)))
        values["birth_date"] = birth
        raw_id = cell("id_number")
        number = ""
        numeric = isinstance(raw_id, int | float) and not isinstance(raw_id, bool)
        if numeric or looks_like_excel_number(_cell_text(raw_id)):
            problems.append(("id_number", "身份证号被 Excel 转成了数字（科学计数法），请将该列设为文本后重新导出"))
        else:
            try:
                number = validate_id_number(_cell_text(raw_id), today=today)
                if birth is not None and number[6:14] != f"{birth:%Y%m%d}":
                    problems.append(("birth_date", f"出生日期与身份证号中的出生日期 {number[6:10]}-{number[10:12]}-"
                                                   f"{number[12:14]} 不一致"))
                if sex is not None and sex_of(number) != sex:
                    problems.append(("sex", "性别与身份证号不符"))
                if number in seen_ids:
                    problems.append(("id_number", f"与第 {seen_ids[number]} 行身份证号重复"))
                else:
                    seen_ids[number] = row
            except InvalidInput as exc:
                problems.append(("id_number", str(exc)))
        values["id_number"] = number
        hukou_type = _HUKOU.get(_cell_text(cell("hukou_type")))
        if hukou_type is None:
            problems.append(("hukou_type", f"户口性质应为农业或非农业，实际为“{_cell_text(cell('hukou_type'))}”"))
        values["hukou_type"] = hukou_type
        hukou_text = _cell_text(cell("hukou"))
        residence_text = _cell_text(cell("residence"))
        hukou_area: Area | None = None
        residence: Area | None = None
        try:
            hukou_area = resolver.resolve(hukou_text) if hukou_text else None
        except InvalidInput as exc:
            problems.append(("hukou", str(exc)))
        if not hukou_text:
            problems.append(("hukou", "户籍地为空"))
        try:
            residence = resolver.resolve(residence_text) if residence_text else hukou_area
            if residence_text and residence is None:
                problems.append(("residence", f"未知的地区：{residence_text}"))
        except InvalidInput as exc:
            problems.append(("residence", str(exc)))
        if hukou_text and hukou_area is None and not residence_text:
            problems.append(("hukou", f"未知的地区：{hukou_text}（户籍在外地的人员请填写现居住地）"))
        if residence is not None:
            if not scope.contains(residence):
                problems.append(("residence" if residence_text else "hukou", "该地区不在本次导入的管辖范围内"))
            elif residence.level < 4:
                problems.append(("residence" if residence_text else "hukou", "现居住地应填写到镇（街道）或村（社区）"))
        values.update(hukou_area=hukou_area, hukou_place="" if hukou_area else hukou_text,
                      residence_area=residence, is_floating=hukou_area is None)
        values["phone"] = _cell_text(cell("phone"))
        ethnicity = _cell_text(cell("ethnicity"))
        if ethnicity and not ethnicity.endswith("族"):
            ethnicity += "族"
        values["ethnicity"] = ethnicity
        if problems:
            errors.extend({"row": row, "column": COLUMN_LABEL[k], "problem": p} for k, p in problems)
        else:
            valid.append(ParsedRow(row=row, values=values))
    return valid, errors
