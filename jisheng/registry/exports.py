"""Exports of person lists: .xlsx with ID numbers as text cells, and CSV with a BOM (Excel opens it as UTF-8).

File names are Chinese and sent with RFC 5987 ``filename*``; every export is audited by the view.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

from jisheng.core.masking import mask_id_number, mask_phone

from .models import Person

COLUMNS = ("姓名", "性别", "公民身份号码", "出生日期", "户口性质", "户籍地", "现居住地", "联系电话", "民族", "状态")
#: Hard cap of one export (ask for a narrower filter above it).
EXPORT_LIMIT = 200_000


def person_row(p: Person, *, masked: bool) -> list[str]:
    """One export row; ID number and phone masked when ``masked``."""
    hukou = p.hukou_area.name if p.hukou_area_id and p.hukou_area else p.hukou_place
    return [
        p.name, p.get_sex_display(), mask_id_number(p.id_number) if masked else p.id_number,
        p.birth_date.isoformat(), p.get_hukou_type_display(), hukou,
        p.residence_area.name if p.residence_area_id else "", mask_phone(p.phone) if masked else p.phone,
        p.ethnicity, p.get_status_display(),
    ]


#: A spreadsheet treats a cell starting with one of these as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` made safe for a CSV cell: text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def content_disposition(filename: str) -> str:
    """``attachment`` header with an ASCII fallback and the RFC 5987 UTF-8 ``filename*``."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    ascii_name = ascii_name.replace('"', "")
    if ascii_name.startswith("."):
        ascii_name = "export" + ascii_name
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def rows_to_xlsx(header: Iterable[str], rows: Iterable[list[Any]], *, text_columns: Iterable[int] = ()) -> bytes:
    """Write a one-sheet workbook; ``text_columns`` (0-based) are stored as text cells (number format "@"),
    and every string is written as a string, never as a formula."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(list(header))
    text = set(text_columns)
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            cell = WriteOnlyCell(ws, value=str(value) if i in text else value)
            if i in text:
                cell.number_format = "@"
            if i in text or isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store "=HYPERLINK(...)" as a live formula
            cells.append(cell)
        ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rows_to_csv(header: Iterable[str], rows: Iterable[list[Any]]) -> bytes:
    """CSV in UTF-8 with a BOM, CRLF line ends; formula-like text is neutralised (:func:`neutralise`)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(list(header))
    writer.writerows([neutralise(v) for v in row] for row in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def export_response(*, filename: str, fmt: str, header: Iterable[str], rows: Iterable[list[Any]],
                    text_columns: Iterable[int] = ()) -> HttpResponse:
    """An attachment response in ``fmt`` ("xlsx" or "csv") named ``filename`` (without extension)."""
    if fmt == "csv":
        body, ctype = rows_to_csv(header, rows), "text/csv; charset=utf-8"
    else:
        body = rows_to_xlsx(header, rows, text_columns=text_columns)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = content_disposition(f"{filename}.{fmt}")
    return response


#: A run of Chinese characters in a file name, and a run of digits (with the separators people type) of an ID or
#: phone number.
_HAN_RUN = re.compile(r"[\u3400-\u9fff·]+")
_SEPARATORS = r"[\s_\-–—.、,，()（）\[\]【】]*"
_BEFORE_NUMBER = re.compile(rf"([\u3400-\u9fff·]{{2,}}){_SEPARATORS}\d{{6}}")
_AFTER_NUMBER = re.compile(rf"\d{{6}}{_SEPARATORS}([\u3400-\u9fff·]{{2,}})")


def _beside_numbers(name: str) -> set[str]:
    """Names written right before or after a long number (王小红_320585…, 320585…王小红): a run of up to four
    Chinese characters whole, else the three next to the number (城厢镇王小红_… → 王小红)."""
    found = set()
    for m in _BEFORE_NUMBER.finditer(name):
        run = m.group(1)
        found.add(run if len(run) <= 4 else run[-3:])
    for m in _AFTER_NUMBER.finditer(name):
        run = m.group(1)
        found.add(run if len(run) <= 4 else run[:3])
    return found


def masked_file_names(names: list[str]) -> list[str]:
    """``names`` (file names offices gave their rosters) as staff pages show them: every ID and mobile number masked,
    and every person's name — a registered person's name found anywhere in it, or two to five Chinese characters
    right before or after a long number (王小红_320585…) — masked through :func:`jisheng.core.masking.mask_text`."""
    from jisheng.core.masking import mask_text

    candidates: set[str] = set()
    for name in names:
        for run in _HAN_RUN.findall(name):
            candidates.update(run[i:i + n] for n in (2, 3, 4, 5) for i in range(len(run) - n + 1))
    registered = set(Person.objects.filter(name__in=candidates).values_list("name", flat=True)) if candidates \
        else set()
    out = []
    for name in names:
        out.append(mask_text(name, names=[n for n in registered | _beside_numbers(name) if n in name]))
    return out


def masked_file_name(name: str) -> str:
    """One file name as staff pages show it (see :func:`masked_file_names`)."""
    return masked_file_names([name])[0]
