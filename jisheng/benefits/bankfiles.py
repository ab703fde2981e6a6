"""Bank disbursement files (代发文件) and bank return files (回盘文件).

Layouts are data (``data/bank_layouts.yaml``): one per bank and format — ``xlsx`` (account numbers and
references as text cells), ``csv`` (encoding configurable) or ``fixed`` (fixed-width records, widths in
bytes of the file's encoding, CRLF line ends); CSV lines end in LF. In the spreadsheet formats every text is
written as text, never as a formula: a name or bank name starting like one (``=HYPERLINK(…)``, ``@``, ``+``, ``-``)
gets the registry's leading apostrophe (:func:`jisheng.registry.exports.neutralise`), and xlsx cells are typed as
strings. Rendering is deterministic: the same
rows give the same bytes (the xlsx container's timestamps are pinned to the roll's month), so re-exporting
changes nothing.

Return files (.xlsx or .csv in UTF-8 / UTF-8 with BOM / GB18030) are matched by header names listed in
the YAML. :func:`parse_returns` raises :class:`~jisheng.core.errors.InvalidInput` naming the file, row and
column of the first problem of each bad row (all rows are checked; nothing is applied if one is bad).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from jisheng.core.errors import InvalidInput
from jisheng.registry.exports import neutralise

DATA_FILE = Path(__file__).parent / "data" / "bank_layouts.yaml"
FIELDS = ("seq", "reference", "account_name", "bank_account", "bank_name", "amount", "amount_fen", "memo")
TEXT_FIELDS = ("reference", "bank_account")
#: A line reference in a return file: ASCII digits that fit a 64-bit id (``str.isdigit`` also accepts "²").
REFERENCE = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class Column:
    field: str
    header: str = ""
    width: int = 0
    align: str = "left"
    pad: str = " "


@dataclass(frozen=True)
class Layout:
    """A bank file layout: ``format`` is ``xlsx``, ``csv`` or ``fixed``."""

    key: str
    name: str
    format: str
    columns: tuple[Column, ...]
    encoding: str = "utf-8"
    sheet: str = "Sheet1"

    @property
    def extension(self) -> str:
        return {"xlsx": "xlsx", "csv": "csv", "fixed": "txt"}[self.format]


@dataclass(frozen=True)
class BankRow:
    """One payment as the bank sees it. ``amount`` in yuan (Decimal, 2 places)."""

    reference: str
    account_name: str
    bank_account: str
    bank_name: str
    amount: Decimal
    memo: str


@functools.cache
def _config() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def parse_layouts(data: dict[str, Any], source: str = DATA_FILE.name) -> dict[str, Layout]:
    """Build the layouts; :class:`InvalidInput` names the entry with an unknown format or field."""
    layouts: dict[str, Layout] = {}
    for i, raw in enumerate(data.get("layouts") or []):
        where = f"{source}: layouts[{i}]"
        if raw.get("format") not in ("xlsx", "csv", "fixed"):
            raise InvalidInput("format must be xlsx, csv or fixed", location=where)
        cols = []
        for j, c in enumerate(raw.get("columns") or []):
            if c.get("field") not in FIELDS:
                raise InvalidInput(f"unknown field {c.get('field')!r}; known: {', '.join(FIELDS)}",
                                   location=f"{where}.columns[{j}]")
            if raw["format"] == "fixed" and int(c.get("width", 0)) <= 0:
                raise InvalidInput("fixed-width columns need a width", location=f"{where}.columns[{j}]")
            cols.append(Column(field=c["field"], header=str(c.get("header", c["field"])),
                               width=int(c.get("width", 0)), align=c.get("align", "left"), pad=str(c.get("pad", " "))))
        layouts[raw["key"]] = Layout(key=raw["key"], name=raw["name"], format=raw["format"], columns=tuple(cols),
                                     encoding=raw.get("encoding", "utf-8"), sheet=raw.get("sheet", "Sheet1"))
    return layouts


def layouts() -> dict[str, Layout]:
    """Every configured layout by key."""
    return parse_layouts(_config())


def layout_for(*, key: str | None = None, fmt: str | None = None) -> Layout:
    """The layout ``key``, or the first layout of format ``fmt`` (``xlsx`` / ``csv`` / ``fixed``).

    Raises:
        InvalidInput: unknown key or format.
    """
    all_layouts = layouts()
    if key:
        if key not in all_layouts:
            raise InvalidInput(f"unknown bank layout {key!r}; known: {', '.join(all_layouts)}", location="--layout")
        return all_layouts[key]
    for layout in all_layouts.values():
        if layout.format == fmt:
            return layout
    raise InvalidInput(f"no bank layout of format {fmt!r}", location="--format")


def _value(field: str, row: BankRow, seq: int) -> Any:
    if field == "seq":
        return seq
    if field == "amount":
        return row.amount
    if field == "amount_fen":
        return int(row.amount * 100)
    return getattr(row, field)


def _fixed(value: Any, col: Column, encoding: str, where: str) -> bytes:
    text = f"{value:.2f}" if isinstance(value, Decimal) else str(value)
    raw = text.encode(encoding)
    if len(raw) > col.width:
        raise InvalidInput(f"{col.field} is {len(raw)} bytes, the layout allows {col.width}", location=where)
    pad = col.pad.encode(encoding) * (col.width - len(raw))
    return pad + raw if col.align == "right" else raw + pad


def write(layout: Layout, rows: Iterable[BankRow], out: BinaryIO, *, stamp: dt.datetime) -> int:
    """Write ``rows`` in ``layout`` to ``out``; return the number of rows. ``stamp`` pins xlsx timestamps.

    Raises:
        InvalidInput: a value does not fit a fixed-width column (names the reference and field).
    """
    if layout.format == "csv":
        text = io.TextIOWrapper(out, encoding=layout.encoding, newline="", write_through=True)
        writer = csv.writer(text, lineterminator="\n")  # as PostgreSQL's COPY writes it (payroll.copy_batch_csv)
        writer.writerow([c.header for c in layout.columns])
        n = 0
        for n, row in enumerate(rows, start=1):
            writer.writerow([f"{v:.2f}" if isinstance(v, Decimal) else neutralise(v)
                             for v in (_value(c.field, row, n) for c in layout.columns)])
        text.flush()
        text.detach()
        return n
    if layout.format == "fixed":
        n = 0
        for n, row in enumerate(rows, start=1):
            out.write(b"".join(_fixed(_value(c.field, row, n), c, layout.encoding, f"流水号 {row.reference}")
                               for c in layout.columns) + b"\r\n")
        return n
    return _write_xlsx(layout, rows, out, stamp=stamp)


def _write_xlsx(layout: Layout, rows: Iterable[BankRow], out: BinaryIO, *, stamp: dt.datetime) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(layout.sheet)
    ws.append([c.header for c in layout.columns])
    text_cols = {i for i, c in enumerate(layout.columns) if c.field in TEXT_FIELDS}
    n = 0
    for n, row in enumerate(rows, start=1):
        values: list[Any] = []
        for i, c in enumerate(layout.columns):
            v = _value(c.field, row, n)
            if i in text_cols or isinstance(v, str):
                cell = WriteOnlyCell(ws, value=neutralise(str(v)))
                if i in text_cols:
                    cell.number_format = "@"
                cell.data_type = "s"  # openpyxl would store "=HYPERLINK(...)" as a live formula
                values.append(cell)
            else:
                values.append(v)
        ws.append(values)
    buffer = io.BytesIO()
    wb.save(buffer)
    out.write(pin_zip_timestamps(buffer.getvalue(), stamp))
    return n


def pin_zip_timestamps(content: bytes, stamp: dt.datetime) -> bytes:
    """Rewrite an .xlsx (zip) with every entry dated ``stamp`` and the document dates set to it."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                              lambda m: m.group(1) + iso.encode() + m.group(2), data)
            pinned = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            pinned.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(pinned, data)
    return out.getvalue()


# --- return files --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnRow:
    """One row of a bank return file (``row`` counted as in a spreadsheet, header = 1)."""

    row: int
    reference: str
    bank_account: str
    amount: Decimal | None
    paid: bool
    reason: str
    bank_reference: str


def _read_table(content: bytes, filename: str) -> Iterator[list[str]]:
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise InvalidInput(f"not a readable .xlsx file ({exc.__class__.__name__})", location=filename) from exc
        for values in wb.worksheets[0].iter_rows(values_only=True):
            yield ["" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v)).replace("\x00", "").strip()
                   for v in values]
        return
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("the file is neither UTF-8 nor GB18030 text", location=filename)
    try:
        for values in csv.reader(io.StringIO(text)):
            yield [v.replace("\x00", "").strip() for v in values]  # PostgreSQL refuses NUL in text
    except csv.Error as exc:
        raise InvalidInput(f"not a readable CSV file ({exc})", location=filename) from None


def returns_format() -> dict[str, Any]:
    """How a bank return file must look (for the roll page and the contract): ``headers`` (field → accepted
    header names, first one preferred; ``reference`` and ``result`` required), ``success`` and ``failure``
    (the values of the result column)."""
    config = _config()["returns"]
    return {"headers": {k: list(v) for k, v in config["headers"].items()},
            "success": [str(s) for s in config["success"]], "failure": [str(s) for s in config["failure"]]}


def parse_returns(content: bytes, filename: str) -> list[ReturnRow]:
    """Read a bank return file into rows.

    Raises:
        InvalidInput: unreadable file, a missing required column (流水号, 结果), or bad rows — the message
        lists every bad row as ``row R, column: problem``. Bad rows include a reference that is not 1–18
        ASCII digits, an amount that is not a finite number, and a reference already reported in an earlier
        row of the file (a payment has one result; a duplicated row would be counted twice).
    """
    config = _config()["returns"]
    success = {str(s) for s in config["success"]}
    failure = {str(s) for s in config["failure"]}
    table = _read_table(content, filename)
    header = next(table, None)
    if not header:
        raise InvalidInput("empty file", location=filename)
    index: dict[str, int] = {}
    for field, names in config["headers"].items():
        for i, h in enumerate(header):
            if h in names:
                index[field] = i
                break
    for required in ("reference", "result"):
        if required not in index:
            raise InvalidInput(f"missing column {config['headers'][required][0]}", location=filename)
    rows: list[ReturnRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}  # reference → the row that reported it: one result per payment and file
    for r, values in enumerate(table, start=2):
        if not any(values):
            continue

        def get(field: str, values: list[str] = values) -> str:
            i = index.get(field)
            return values[i] if i is not None and i < len(values) else ""

        result = get("result")
        if result not in success and result not in failure:
            problems.append(f"row {r}, {header[index['result']]}: unknown result {result!r}")
            continue
        amount: Decimal | None = None
        if get("amount"):
            try:
                amount = Decimal(get("amount").replace(",", ""))
            except InvalidOperation:
                amount = None
            if amount is None or not amount.is_finite() or abs(amount) >= 10 ** 12:
                problems.append(f"row {r}, {header[index['amount']]}: not an amount {get('amount')!r}")
                continue
        if not REFERENCE.fullmatch(get("reference")):
            problems.append(f"row {r}, {header[index['reference']]}: not a reference {get('reference')!r}")
            continue
        if get("reference") in seen:
            problems.append(f"row {r}, {header[index['reference']]}: {get('reference')} "
                            f"already reported in row {seen[get('reference')]}")
            continue
        seen[get("reference")] = r
        rows.append(ReturnRow(row=r, reference=get("reference"), bank_account=get("bank_account"), amount=amount,
                              paid=result in success, reason=get("reason")[:200],
                              bank_reference=get("bank_reference")[:64]))
    if problems:
        raise InvalidInput("; ".join(problems[:20]) + (f"; … {len(problems) - 20} more" if len(problems) > 20 else ""),
                           location=filename)
    return rows
