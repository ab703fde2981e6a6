"""Exports of person lists: .xlsx with ID numbers as text cells, and CSV with a BOM (Excel opens it as UTF-8).

A person list is exported by a background job asked for with a reason (:func:`person_export_request`), masked unless
an account that may unmask asks for the full numbers; only the requester downloads the file, each download audited.
File names are Chinese and sent with RFC 5987 ``filename*``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.http import FileResponse, HttpResponse

from jisheng.core.masking import mask_id_number, mask_phone

from .models import Person

COLUMNS = ("姓名", "性别", "公民身份号码", "出生日期", "户口性质", "户籍地", "现居住地", "联系电话", "民族", "状态")
#: Hard cap of one export (ask for a narrower filter above it).
EXPORT_LIMIT = 200_000
CHINA = ZoneInfo("Asia/Shanghai")


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


# --- person list exports as background jobs ---------------------------------------------------------------------

#: Days an export's file is kept for its requester; later it is deleted and the export shows as expired.
EXPORT_KEEP_DAYS = 7
#: The search filters an export may carry (the list's form).
EXPORT_FILTERS = ("q", "area", "status")


def person_export_request(*, actor: Any, filters: dict[str, Any], fmt: str, reason: str,
                          unmasked: bool = False) -> Any:
    """Ask for an export of the people ``filters`` select in ``actor``'s scope; the file is written by a background
    job (enqueued when the transaction commits). Returns the :class:`~.models.PersonExport`.

    ``filters``: ``q`` (text), ``area`` (an :class:`~jisheng.core.models.Area` or its code), ``status``.

    Raises:
        InvalidInput: no reason, an unknown format, or an actor without a scope.
        NotPermitted: ``unmasked`` asked by an account that may not unmask (``registry.unmask``), or an account
            that may not export.
    """
    from django.db import transaction

    from jisheng.core import audit
    from jisheng.core.errors import InvalidInput, NotPermitted

    from .models import PersonExport
    from .tasks import run_person_export

    reason = " ".join((reason or "").split())
    if len(reason) < 2 or any(ord(ch) < 32 for ch in reason):
        raise InvalidInput("请写明导出事由（用途），不能含控制字符", location="reason")
    if fmt not in ("xlsx", "csv"):
        raise InvalidInput("导出格式应为 xlsx 或 csv", location="format")
    if not getattr(actor, "is_authenticated", False) or not actor.has_capability("registry.export"):
        raise NotPermitted("没有导出人员名单的权限")
    if unmasked and not actor.has_capability("registry.unmask"):
        raise NotPermitted("没有导出完整身份证号和联系电话的权限")
    if getattr(actor, "area", None) is None:
        raise InvalidInput("账号没有管辖区域", location="area")
    kept = {}
    for key in EXPORT_FILTERS:
        value = filters.get(key)
        if value:
            kept[key] = getattr(value, "code", None) or str(value)
    with transaction.atomic(), audit.acting(actor):
        job = PersonExport.objects.create(created_by=actor, area=actor.area, filters=kept, fmt=fmt,
                                          masked=not unmasked, reason=reason[:255])
    job_id = job.pk
    transaction.on_commit(lambda: run_person_export.enqueue(job_id))
    return job


def _export_path(job: Any) -> str:
    import secrets

    return f"exports/person-export-{job.pk}-{secrets.token_hex(8)}.{job.fmt}"


def person_export_run(export_id: int) -> Any:
    """Write the file of export ``export_id`` (the background job's body) with the requester's scope; idempotent for
    a finished export. Returns the export."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from jisheng.core import audit, clock
    from jisheng.core.selectors import area_by_code

    from .models import ExportStatus, PersonExport
    from .selectors import search_persons

    job = PersonExport.objects.select_related("created_by", "area").get(pk=export_id)
    if job.status != ExportStatus.QUEUED:
        return job
    PersonExport.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)
    user = job.created_by
    try:
        if user is None or not user.is_active or not user.has_capability("registry.export") or (
                not job.masked and not user.has_capability("registry.unmask")):
            raise PermissionError("申请人已没有导出权限")
        filters: dict[str, Any] = {"q": job.filters.get("q", ""), "status": job.filters.get("status", "")}
        if job.filters.get("area"):
            filters["area"] = area_by_code(job.filters["area"])
        rows: list[list[str]] = []
        cursor = None
        with audit.acting(user):
            while len(rows) < EXPORT_LIMIT:
                page = search_persons(user, cursor=cursor, page_size=5000, **filters)
                rows.extend(person_row(p, masked=job.masked) for p in page.items)
                PersonExport.objects.filter(pk=job.pk).update(rows=len(rows))
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
        rows = rows[:EXPORT_LIMIT]
        body = rows_to_csv(COLUMNS, rows) if job.fmt == "csv" else rows_to_xlsx(COLUMNS, rows, text_columns=(2, 7))
        name = default_storage.save(_export_path(job), ContentFile(body))
    except Exception as exc:  # never left "running": the message names the kind only (no personal data)
        message = str(exc) if isinstance(exc, PermissionError) else f"导出意外中止（{type(exc).__name__}），请重试"
        PersonExport.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, message=message[:255],
                                                      finished_at=clock.now())
        job.refresh_from_db()
        return job
    PersonExport.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE, rows=len(rows), file=name, finished_at=clock.now(),
        message=f"仅导出前 {EXPORT_LIMIT:,} 条" if len(rows) >= EXPORT_LIMIT else "")
    job.refresh_from_db()
    return job


def person_export_expire(job: Any) -> bool:
    """Delete the file of ``job`` when it is older than :data:`EXPORT_KEEP_DAYS` (status expired); True if so."""
    import datetime as dt

    from django.core.files.storage import default_storage

    from jisheng.core import clock

    from .models import ExportStatus, PersonExport

    if job.status != ExportStatus.DONE or job.finished_at is None or \
            clock.now() - job.finished_at < dt.timedelta(days=EXPORT_KEEP_DAYS):
        return False
    if job.file:
        default_storage.delete(job.file)
    PersonExport.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, file="")
    job.refresh_from_db()
    return True


def person_export_response(job: Any) -> FileResponse:
    """The export's file as a download (audited as an export of its rows with its reason and masking)."""
    from django.core.files.storage import default_storage

    from jisheng.core import audit

    audit.record_export(object_type="registry.personexport", object_id=job.pk, count=job.rows, fmt=job.fmt,
                        filters={**job.filters, "masked": job.masked}, reason=job.reason, area_id=job.area_id)
    ctype = "text/csv; charset=utf-8" if job.fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = FileResponse(default_storage.open(job.file, "rb"), content_type=ctype)
    stamp = job.finished_at.astimezone(CHINA).strftime("%Y%m%d") if job.finished_at else ""
    response["Content-Disposition"] = content_disposition(f"人口信息_{job.area.name}_{stamp}.{job.fmt}")
    return response
