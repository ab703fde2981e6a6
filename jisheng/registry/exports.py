"""Exports of person lists: .xlsx with ID numbers as text cells, and CSV with a BOM (Excel opens it as UTF-8).

File names are Chinese and sent with RFC 5987 ``filename*``; every export is audited by the view.
"""

from __future__ import annotations

import csv
import io
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
