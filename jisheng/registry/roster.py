"""Reading and checking roster files (花名册): .xlsx and .csv in the encodings offices really use (contract §6).

:func:`read_table` finds the header row (title rows above it are skipped) and streams the rows after it;
:func:`parse_rows` checks every row and returns clean values plus ``{"row", "name", "column", "problem"}``
errors with spreadsheet row numbers and the person's masked name. Writing the rows is
:func:`jisheng.registry.services.roster_import_file`'s job.

A roster is bounded before it can take the worker down (ADR 0023): an .xlsx is a zip, so its uncompressed size
is checked from the zip directory before openpyxl reads it (:data:`MAX_XLSX_UNCOMPRESSED`); rows are streamed,
never all held at once; a file with more than :data:`MAX_ROWS` rows is refused; checking stops after
:data:`MAX_ERRORS` errors; a run of :data:`BLANK_RUN_END` empty rows ends the table (sheets formatted down to
row 1,048,576). A control character (NUL…) in a cell is an error of that cell, never echoed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jisheng.core.errors import InvalidInput
from jisheng.core.idnumber import looks_like_excel_number, sex_of, validate_id_number
from jisheng.core.masking import mask_name
from jisheng.core.models import Area, AreaLevel

#: Rows with data one roster may have (about what MAX_ROSTER_BYTES of CSV holds); split larger ones by town.
MAX_ROWS = 100_000
#: Largest uncompressed size of an .xlsx (all its zip members); checked before openpyxl opens the file.
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
#: Most members an .xlsx zip may have (a workbook has a dozen or so).
MAX_XLSX_MEMBERS = 1_000
#: Errors reported before checking stops (and nothing is imported): a file this wrong is the wrong file.
MAX_ERRORS = 1_000
#: Rows searched for the header (a title, a unit and a date line often come first).
HEADER_SEARCH_ROWS = 20
#: This many empty rows in a row end the table.
BLANK_RUN_END = 1_000
#: Rows whose name starts so are the template's example and are skipped.
EXAMPLE_MARKS = ("（示例）", "(示例)", "示例：")

#: Header aliases → field, compared without spaces, "*" marks and bracketed notes (身份证号（18位）).
#: Required: 姓名, 性别, 身份证号, 出生日期, 户口性质, 户籍地.
HEADERS: dict[str, str] = {
    "姓名": "name", "名字": "name",
    "性别": "sex",
    "身份证号": "id_number", "公民身份号码": "id_number", "身份证号码": "id_number", "身份证": "id_number",
    "公民身份证号": "id_number", "公民身份证号码": "id_number", "身份证件号码": "id_number", "证件号码": "id_number",
    "出生日期": "birth_date", "出生年月": "birth_date", "出生年月日": "birth_date", "出生时间": "birth_date",
    "户口性质": "hukou_type", "户口类别": "hukou_type", "户口类型": "hukou_type", "户籍性质": "hukou_type",
    "户籍地": "hukou", "户籍所在地": "hukou", "户口所在地": "hukou", "户籍地址": "hukou", "户籍住址": "hukou",
    "现居住地": "residence", "现住址": "residence", "现居住地址": "residence", "居住地": "residence",
    "居住地址": "residence", "现住地": "residence",
    "联系电话": "phone", "电话": "phone", "手机": "phone", "手机号": "phone", "手机号码": "phone",
    "联系方式": "phone",
    "民族": "ethnicity",
}
REQUIRED = ("name", "sex", "id_number", "birth_date", "hukou_type", "hukou")
COLUMN_LABEL = {"name": "姓名", "sex": "性别", "id_number": "身份证号", "birth_date": "出生日期",
                "hukou_type": "户口性质", "hukou": "户籍地", "residence": "现居住地", "phone": "联系电话",
                "ethnicity": "民族"}
#: The template's columns, in order (the standard headers of contract §6).
STANDARD_HEADERS = ("姓名", "性别", "身份证号", "出生日期", "户口性质", "户籍地", "现居住地", "联系电话", "民族")
_SEX = {"男": "M", "女": "F", "M": "M", "F": "F", "男性": "M", "女性": "F"}
_HUKOU = {"农业": "rural", "农业户口": "rural", "农村": "rural", "非农业": "urban", "非农业户口": "urban",
          "城镇": "urban", "rural": "rural", "urban": "urban"}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})[./\-](\d{1,2})[./\-](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
#: A year and month without a day (出生年月 columns): 1975.03, 1975-3, 1975/03, 1975年3月, 197503.
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
    re.compile(r"^(\d{4})[./\-](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)
_CONTROL_PROBLEM = "含有控制字符（如 NUL），请删除后重新导入"


@dataclass
class Table:
    """A roster read from a file: ``header`` cells, the header's spreadsheet row number ``header_row``, the
    ``rows`` after it (streamed: iterate once) and the detected ``encoding``."""

    header: list[str]
    rows: Iterable[list[Any]]
    encoding: str
    header_row: int = 1


@dataclass
class ParsedRow:
    """One checked row: its spreadsheet number and clean values (areas resolved)."""

    row: int
    values: dict[str, Any] = field(default_factory=dict)


def has_control(text: str) -> bool:
    """True when ``text`` holds a control character other than tab and line breaks (NUL, which PostgreSQL
    refuses in text, and its kin)."""
    return any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text)


def clean_text(text: str) -> str:
    """``text`` with every control character dropped (for messages and stored errors)."""
    return "".join(ch for ch in str(text) if ord(ch) >= 32)


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


def check_xlsx(data: bytes, filename: str = "") -> None:
    """Refuse an .xlsx that is not a zip, has too many members or unpacks to more than
    :data:`MAX_XLSX_UNCOMPRESSED` — read from the zip directory, before anything is decompressed.

    Raises:
        InvalidInput: naming the file ("不是有效的 Excel 文件", "解压后超过 200 MB").
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise InvalidInput("不是有效的 Excel 文件（.xlsx），请用 Excel 另存为 .xlsx 或 .csv 后重新导入",
                           location=filename or None) from None
    if len(members) > MAX_XLSX_MEMBERS:
        raise InvalidInput(f"不是有效的 Excel 文件：内含 {len(members)} 个部件", location=filename or None)
    size = sum(m.file_size for m in members)
    if size > MAX_XLSX_UNCOMPRESSED:
        raise InvalidInput(f"Excel 文件解压后超过 {MAX_XLSX_UNCOMPRESSED // 1024 // 1024} MB（"
                           f"{size / 1024 / 1024:.1f} MB），可能含有大量空行或格式，请删除多余行后另存或按镇分开导入",
                           location=filename or None)


def _xlsx_rows(data: bytes, filename: str) -> tuple[Iterator[list[Any]], Callable[[], None]]:
    import openpyxl

    check_xlsx(data, filename)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InvalidInput(f"无法读取 Excel 文件：{type(exc).__name__}", location=filename) from None
    return (list(r) for r in ws.iter_rows(values_only=True)), wb.close


def _csv_rows(data: bytes, filename: str) -> tuple[Iterator[list[Any]], str]:
    codec, encoding = detect_encoding(data)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:  # a BOM promising one encoding over bytes of another, or a cut file
        raise InvalidInput(f"文件标明为 {encoding} 编码，但第 {exc.start + 1} 个字节起不是该编码（可能混用了 GBK "
                           "等其他编码或文件不完整），请用同一种编码重新保存", location=filename) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return (list(r) for r in csv.reader(io.StringIO(text, newline=""))), encoding


def _blank(cells: list[Any]) -> bool:
    return all(c is None or str(c).strip() == "" for c in cells)


def _until_blank_run(rows: Iterator[list[Any]], close: Callable[[], None] | None
                     ) -> Generator[list[Any], None, None]:
    """``rows`` up to the last non-empty one before a run of :data:`BLANK_RUN_END` empty rows (then the file is
    closed); empty rows between data rows are kept so row numbers stay the spreadsheet's."""
    pending: list[list[Any]] = []
    try:
        for cells in rows:
            if _blank(cells):
                pending.append(cells)
                if len(pending) >= BLANK_RUN_END:
                    return
                continue
            yield from pending
            pending.clear()
            yield cells
    finally:
        if close is not None:
            close()


def _header_key(title: Any) -> str:
    """A header cell as compared with :data:`HEADERS`: no spaces, "*" marks or bracketed notes."""
    text = str(title or "").replace(" ", "").replace("\u3000", "").replace("*", "").replace("＊", "").strip()
    return re.sub(r"[（(].*?[）)]", "", text)


def _recognised(header: list[Any]) -> set[str]:
    return {HEADERS[k] for k in map(_header_key, header) if k in HEADERS}


def read_table(filename: str, data: bytes) -> Table:
    """Read a roster file (.xlsx or .csv) into a :class:`Table` whose rows are streamed.

    The header is the first of the top :data:`HEADER_SEARCH_ROWS` rows holding every required column (title,
    unit and date rows above it are skipped); when none does, the row recognising most columns is taken, so
    :func:`column_map` names what is missing.

    Raises:
        InvalidInput: unknown extension, unreadable or oversized file (:func:`check_xlsx`), bytes not in the
            detected encoding (a UTF-8 BOM over GBK text, a truncated UTF-16 file) or no header row, naming the
            file.
    """
    lower = filename.lower()
    close: Callable[[], None] | None = None
    if lower.endswith(".xlsx"):
        rows, close = _xlsx_rows(data, filename)
        encoding = "xlsx"
    elif lower.endswith(".csv"):
        rows, encoding = _csv_rows(data, filename)
    else:
        raise InvalidInput("只支持 .xlsx 或 .csv 文件", location=filename)
    stream = _until_blank_run(rows, close)
    top: list[list[Any]] = []
    for cells in stream:
        top.append(cells)
        if set(REQUIRED) <= _recognised(cells) or len(top) >= HEADER_SEARCH_ROWS:
            break
    if all(_blank(c) for c in top):
        stream.close()
        raise InvalidInput("文件为空", location=filename)
    found = next((i for i, c in enumerate(top) if set(REQUIRED) <= _recognised(c)), None)
    if found is None:
        found = max(range(len(top)), key=lambda i: (len(_recognised(top[i])), -i))
    header = [str(c or "").strip() for c in top[found]]

    def rest() -> Iterator[list[Any]]:
        yield from top[found + 1:]
        yield from stream

    return Table(header=header, rows=rest(), encoding=encoding, header_row=found + 1)


def column_map(header: list[str], filename: str = "") -> dict[str, int]:
    """Return ``{field: column index}`` for a header row.

    Raises:
        InvalidInput: a required column is missing ("缺少必需的列：身份证号").
    """
    found: dict[str, int] = {}
    for i, title in enumerate(header):
        key = HEADERS.get(_header_key(title))
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


def parse_month(value: Any) -> tuple[int, int] | None:
    """The (year, month) of a 出生年月 cell written without a day (1975.03, 1975年3月, 197503), else None."""
    if isinstance(value, dt.date | int | float):
        return None
    text = str(value or "").strip().replace(" ", "")
    for pattern in _MONTH_PATTERNS:
        m = pattern.match(text)
        if m and 1 <= int(m.group(2)) <= 12:
            return int(m.group(1)), int(m.group(2))
    return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _in_force(area: Area, on: dt.date, by_pk: dict[int, Area]) -> Area | None:
    """The first area of ``area``'s chain (itself, then its parents) not in force on ``on``, else None."""
    node: Area | None = area
    while node is not None:
        if (node.valid_from and node.valid_from > on) or (node.valid_to and node.valid_to <= on):
            return node
        node = by_pk.get(node.parent_id) if node.parent_id else None
    return None


def _spellings(area: Area) -> list[str]:
    """How people write ``area``'s name: in full, and for the province, city and county without 省/市/县/区
    (江苏 苏州 太仓); a village also as 东仓村委会, a community as 东仓居委会."""
    name = area.name
    out = [name]
    if area.level <= AreaLevel.COUNTY and len(name) > 2 and name[-1] in "省市县区":
        out.append(name[:-1])
    if area.level == AreaLevel.VILLAGE:
        if name.endswith("村"):
            out += [name + "委会", name + "民委员会"]
        elif name.endswith("社区"):
            out += [name + "居委会", name[:-2] + "居委会"]
    return out


class AreaResolver:
    """Resolve 户籍地 / 现居住地 cells to areas through the area tree, as of ``on`` (default today).

    A cell is a 6- or 12-digit code, or a name path as people write it (contract §6): a name alone (浏河镇), or
    names from any level down to it with levels left out as people do (太仓市浏河镇, 江苏省苏州市太仓市浏河镇东仓村,
    江苏太仓浏河镇). Areas not in force on ``on`` (abolished, or under an abolished parent) are left out: such a
    name is unknown, and :meth:`resolve` with ``strict`` names the abolition. When several areas match, the one
    inside ``scope`` wins; a name still ambiguous is an error naming the count.
    """

    def __init__(self, scope: Area | None = None, on: dt.date | None = None) -> None:
        from jisheng.core import clock

        self.scope = scope
        self.on = on or clock.today()
        areas = list(Area.objects.all())
        self.by_code = {a.code: a for a in areas}
        self.by_pk = {a.pk: a for a in areas}
        self.by_name: dict[str, list[Area]] = {}
        self.spellings: dict[int, list[str]] = {}
        for a in areas:
            self.spellings[a.pk] = _spellings(a)
            for spelling in self.spellings[a.pk]:
                self.by_name.setdefault(spelling, []).append(a)
        self._cache: dict[str, list[Area]] = {}

    def _ancestors_spell(self, text: str, node: Area | None) -> bool:
        """Whether ``text`` is written by names of ``node`` and its parents, top down, levels may be left out."""
        if text == "":
            return True
        while node is not None:
            for spelling in self.spellings[node.pk]:
                parent = self.by_pk.get(node.parent_id) if node.parent_id else None
                if text.endswith(spelling) and self._ancestors_spell(text[:-len(spelling)], parent):
                    return True
            node = self.by_pk.get(node.parent_id) if node.parent_id else None
        return False

    def matches(self, text: str) -> list[Area]:
        """Every area the name path ``text`` can mean, in force or not."""
        if text not in self._cache:
            found: dict[int, Area] = {}
            for k in range(len(text)):
                for area in self.by_name.get(text[k:], []):
                    parent = self.by_pk.get(area.parent_id) if area.parent_id else None
                    if self._ancestors_spell(text[:k], parent):
                        found[area.pk] = area
            self._cache[text] = sorted(found.values(), key=lambda a: a.path)
        return self._cache[text]

    def resolve(self, text: str, *, strict: bool = False) -> Area | None:
        """Return the area for ``text`` or None when unknown (or, unless ``strict``, no longer in force).

        Raises:
            InvalidInput: the name matches several areas in force; with ``strict``, it names only areas
                abolished by ``on`` ("沧浪区已于 2012-01-01 撤销").
        """
        text = text.strip().replace(" ", "").replace("\u3000", "")
        if text.isdigit():
            return self.by_code.get(text)
        every = self.matches(text)
        matches = [a for a in every if _in_force(a, self.on, self.by_pk) is None]
        if not matches and every and strict:
            gone = _in_force(every[0], self.on, self.by_pk)
            assert gone is not None
            when = f"已于 {gone.valid_to:%Y-%m-%d} 撤销" if gone.valid_to and gone.valid_to <= self.on else "尚未设立"
            raise InvalidInput(f"{gone.name}{when}，请填写现行的地名或区划代码")
        if len(matches) > 1 and self.scope is not None:
            inside = [a for a in matches if self.scope.contains(a)]
            matches = inside or matches
        if len(matches) > 1:
            raise InvalidInput(f"地名“{text}”对应 {len(matches)} 个地区，请填写区划代码")
        return matches[0] if matches else None


@dataclass
class Checked:
    """What :func:`parse_rows` found: the valid rows, the errors, the rows examined and whether checking stopped
    at :data:`MAX_ERRORS`."""

    valid: list[ParsedRow]
    errors: list[dict[str, Any]]
    rows: int = 0
    stopped: bool = False


def _row_name(cells: list[Any], cols: dict[str, int]) -> str:
    i = cols.get("name")
    value = cells[i] if i is not None and i < len(cells) else None
    text = _cell_text(value)
    return "" if has_control(text) else mask_name(text)


def check_rows(table: Table, *, scope: Area, today: dt.date, filename: str = "",
               progress: Callable[[int], None] | None = None) -> Checked:
    """Check every row of ``table`` (see :func:`parse_rows`); ``progress(rows)`` is called every 1,000 rows.

    Raises:
        InvalidInput: a required column is missing, or the file has more than :data:`MAX_ROWS` rows with data.
    """
    cols = column_map(table.header, filename)
    resolver = AreaResolver(scope, on=today)
    seen_ids: dict[str, int] = {}
    out = Checked(valid=[], errors=[])
    for offset, cells in enumerate(table.rows):
        row = table.header_row + 1 + offset
        if _blank(cells):
            continue
        out.rows += 1
        if out.rows > MAX_ROWS:
            raise InvalidInput(f"超过 {MAX_ROWS} 行，请按镇（街道）分开导入", location=filename or None)
        if progress is not None and out.rows % 1000 == 0:
            progress(out.rows)
        name = _cell_text(cells[cols["name"]]) if cols["name"] < len(cells) else ""
        if name.startswith(EXAMPLE_MARKS):
            out.rows -= 1
            continue
        problems = _check_row(cells, cols, resolver, scope, today, seen_ids, row)
        if isinstance(problems, ParsedRow):
            out.valid.append(problems)
            continue
        masked = _row_name(cells, cols)
        for column, problem in problems:
            if len(out.errors) >= MAX_ERRORS:
                out.errors.append({"row": row, "name": masked, "column": "", "problem": (
                    f"错误超过 {MAX_ERRORS} 处，已停止检查（第 {row} 行起未检查），未导入任何数据；"
                    "请核对表头、列的顺序和格式后重新导入")})
                out.stopped = True
                return out
            out.errors.append({"row": row, "name": masked, "column": COLUMN_LABEL[column],
                               "problem": clean_text(problem)})
    return out


def _check_row(cells: list[Any], cols: dict[str, int], resolver: AreaResolver, scope: Area, today: dt.date,
               seen_ids: dict[str, int], row: int) -> ParsedRow | list[tuple[str, str]]:
    """The clean values of one row, or its problems as (field, problem)."""

    def cell(key: str) -> Any:
        i = cols.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    problems: list[tuple[str, str]] = []
    controlled = {key for key in cols if has_control(_cell_text(cell(key)))}
    problems += [(key, _CONTROL_PROBLEM) for key in COLUMN_LABEL if key in controlled]

    def text(key: str) -> str:
        return "" if key in controlled else _cell_text(cell(key))

    values: dict[str, Any] = {}
    name = text("name")
    if not name and "name" not in controlled:
        problems.append(("name", "姓名为空"))
    values["name"] = name
    sex_text = text("sex")
    sex = _SEX.get(sex_text.upper() if sex_text.isascii() else sex_text)
    if sex is None and "sex" not in controlled:
        problems.append(("sex", f"性别应为男或女，实际为“{sex_text}”"))
    values["sex"] = sex
    birth: dt.date | None = None
    month: tuple[int, int] | None = None
    if "birth_date" not in controlled:
        month = parse_month(cell("birth_date"))
        if month is None:
            try:
                birth = parse_date(cell("birth_date"))
                if birth > today:
                    problems.append(("birth_date", "出生日期晚于今天"))
                    birth = None
            except InvalidInput as exc:
                problems.append(("birth_date", str(exc)))
    raw_id = cell("id_number")
    number = ""
    numeric = isinstance(raw_id, int | float) and not isinstance(raw_id, bool)
    if "id_number" in controlled:
        pass
    elif numeric or looks_like_excel_number(_cell_text(raw_id)):
        problems.append(("id_number", "身份证号被 Excel 转成了数字（科学计数法），请将该列设为文本后重新导出"))
    else:
        try:
            number = validate_id_number(_cell_text(raw_id), today=today)
            encoded = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
            if month is not None:
                if (int(number[6:10]), int(number[10:12])) == month:
                    birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
                else:
                    problems.append(("birth_date", f"出生年月与身份证号中的出生日期 {encoded} 不一致"))
            elif birth is not None and number[6:14] != f"{birth:%Y%m%d}":
                problems.append(("birth_date", f"出生日期与身份证号中的出生日期 {encoded} 不一致"))
            if sex is not None and sex_of(number) != sex:
                problems.append(("sex", "性别与身份证号不符"))
            if number in seen_ids:
                problems.append(("id_number", f"与第 {seen_ids[number]} 行身份证号重复"))
            else:
                seen_ids[number] = row
        except InvalidInput as exc:
            problems.append(("id_number", str(exc)))
    if month is not None and not number and "id_number" not in controlled and not any(
            k == "id_number" for k, _ in problems):
        problems.append(("birth_date", "出生年月只有年、月，需身份证号补全出生日期"))
    values["birth_date"] = birth
    values["id_number"] = number
    hukou_type = _HUKOU.get(text("hukou_type"))
    if hukou_type is None and "hukou_type" not in controlled:
        problems.append(("hukou_type", f"户口性质应为农业或非农业，实际为“{text('hukou_type')}”"))
    values["hukou_type"] = hukou_type
    hukou_text = text("hukou")
    residence_text = text("residence")
    hukou_area: Area | None = None
    residence: Area | None = None
    try:
        hukou_area = resolver.resolve(hukou_text) if hukou_text else None
    except InvalidInput as exc:
        problems.append(("hukou", str(exc)))
    if not hukou_text and "hukou" not in controlled:
        problems.append(("hukou", "户籍地为空"))
    try:
        residence = resolver.resolve(residence_text, strict=True) if residence_text else hukou_area
        if residence_text and residence is None:
            problems.append(("residence", f"未知的地区：{residence_text}"))
    except InvalidInput as exc:
        problems.append(("residence", str(exc)))
    if hukou_text and hukou_area is None and not residence_text and "residence" not in controlled:
        problems.append(("hukou", f"未知的地区：{hukou_text}（户籍在外地的人员请填写现居住地）"))
    if residence is not None:
        if not scope.contains(residence):
            problems.append(("residence" if residence_text else "hukou", "该地区不在本次导入的管辖范围内"))
        elif residence.level < 4:
            problems.append(("residence" if residence_text else "hukou", "现居住地应填写到镇（街道）或村（社区）"))
    values.update(hukou_area=hukou_area, hukou_place="" if hukou_area else hukou_text,
                  residence_area=residence, is_floating=hukou_area is None)
    values["phone"] = text("phone")
    ethnicity = text("ethnicity")
    if ethnicity and not ethnicity.endswith("族"):
        ethnicity += "族"
    values["ethnicity"] = ethnicity
    if problems:
        order = list(COLUMN_LABEL)
        return sorted(problems, key=lambda p: order.index(p[0]))
    return ParsedRow(row=row, values=values)


def parse_rows(table: Table, *, scope: Area, today: dt.date, filename: str = "") -> tuple[list[ParsedRow],
                                                                                           list[dict[str, Any]]]:
    """Check every row of ``table``; return (valid rows, errors).

    A row is valid when every column checks out: name present; 性别 男/女 and matching the ID number;
    the ID number valid (see :func:`jisheng.core.idnumber.validate_id_number`, Excel-mangled numbers
    reported) and not repeated in the file; the birth date a real date equal to the ID's (a 出生年月 of year
    and month only: equal to the ID's year and month); 户口性质 农业/非农业; 户籍地 a known area in force (or, for
    people registered elsewhere, any place when 现居住地 is given); the residence inside ``scope``; no control
    character in any cell read. Empty rows and the template's example row are skipped.

    Raises:
        InvalidInput: a required column is missing, or more than :data:`MAX_ROWS` rows.
    """
    checked = check_rows(table, scope=scope, today=today, filename=filename)
    return checked.valid, checked.errors


def template_xlsx() -> bytes:
    """The roster template (花名册模板): the standard headers, one example row (skipped on import, see
    :data:`EXAMPLE_MARKS`) and a sheet of instructions; ID, date and phone columns are text cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from jisheng.core.idnumber import make_id_number

    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(list(STANDARD_HEADERS))
    example = ["（示例）王小红", "女", make_id_number("320585", dt.date(1990, 1, 1), 2), "1990-01-01", "农业",
               "太仓市浏河镇", "江苏省苏州市太仓市浏河镇", "", "汉族"]
    ws.append(example)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHI", (14, 6, 22, 12, 10, 24, 30, 14, 8), strict=True):
        ws.column_dimensions[column].width = width
        if column in "CDH":  # text columns: Excel keeps all 18 digits and leading zeros of what is typed there
            ws.column_dimensions[column].number_format = "@"
            ws[f"{column}2"].number_format = "@"
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    for line in (
        "第一行为表头，请勿改动；表头上方可以有标题行。示例行（姓名以“（示例）”开头）导入时跳过，可直接删除。",
        "必填：姓名、性别（男/女）、身份证号（18 位，单元格设为文本）、出生日期（如 1990-01-01）、"
        "户口性质（农业/非农业）、户籍地。",
        "户籍地、现居住地：可填区划代码或地名，如 浏河镇、太仓市浏河镇、江苏省苏州市太仓市浏河镇东仓村。",
        "户籍在外地的人员：户籍地照实填写（如 安徽省临泉县），并填写本地的现居住地。",
        "表头也可写作：身份证、公民身份号码、出生年月、户口类别、户籍所在地、现住址、手机号码等。",
        f"每个文件最多 {MAX_ROWS} 行；同一文件重复导入不会产生变化。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
