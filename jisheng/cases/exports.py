"""The case list as an .xlsx workbook: one row per case, the parties' names masked, nothing else personal.

Cells are written as values, never formulas: text is neutralised like the registry's exports
(:func:`jisheng.registry.exports.neutralise`, a leading apostrophe before ``=``, ``+``, ``-``, ``@``) and stored
as string cells. A second sheet says which filters made the list and whether it was cut at the cap.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from jisheng.registry.exports import content_disposition, neutralise

from .selectors import CaseRow

#: At most this many cases in one export (the workbook says so when the list was longer).
EXPORT_LIMIT = 10_000


def header() -> list[str]:
    """The column titles (in the active language)."""
    return [_("案号"), _("事项"), _("受理地"), _("申请日期"), _("状态"), _("最近届满日"), _("剩余天数"),
            _("当事人")]


def row_values(row: CaseRow) -> list[Any]:
    """One case as cells: dates as dates, days left as a number (negative when overdue), the parties masked."""
    c = row.clock
    if c is None:
        due: Any = ""
    elif c.due is None:
        due = _("届满日待定（工作日历缺少%(y)s年）") % {"y": c.pending_year} if c.pending_year else _("届满日待定")
    else:
        due = c.due
    return [row.case.number, row.type_label, row.town, row.case.application_date, row.status_label, due,
            row.days_left if row.days_left is not None else "", "、".join(row.parties)]


def _cells(ws: Any, values: Iterable[Any]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(ws, value=neutralise(value))
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl would store "=..." as a live formula
        elif hasattr(value, "isoformat"):
            cell.number_format = "yyyy-mm-dd"
        cells.append(cell)
    return cells


def workbook(rows: Iterable[CaseRow], *, notes: list[tuple[str, str]]) -> bytes:
    """The workbook: sheet 案件 (``rows``) and sheet 说明 (``notes``: label, value)."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_("案件"))
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["F"].width = 14
    ws.column_dimensions["H"].width = 24
    ws.append(_cells(ws, header()))
    for row in rows:
        ws.append(_cells(ws, row_values(row)))
    info = wb.create_sheet(_("说明"))
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 60
    for label, value in notes:
        info.append(_cells(info, [label, value]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def attachment(body: bytes, filename: str) -> HttpResponse:
    """The workbook as a download named ``filename``, never stored by a browser or proxy (``no-store``)."""
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition(filename)
    add_never_cache_headers(response)
    return response
