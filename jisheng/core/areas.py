"""Loading the administrative areas and address codes (reference data, idempotent)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from .errors import InvalidInput
from .models import AddressCode, Area, AreaLevel

DATA_DIR = Path(__file__).resolve().parent / "data"
_LEVEL_BY_KIND = {
    "省": AreaLevel.PROVINCE, "市": AreaLevel.CITY, "区": AreaLevel.COUNTY, "县": AreaLevel.COUNTY,
    "县级市": AreaLevel.COUNTY, "镇": AreaLevel.TOWN, "街道": AreaLevel.TOWN, "乡": AreaLevel.TOWN,
    "村": AreaLevel.VILLAGE, "社区": AreaLevel.VILLAGE,
}


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"不是有效日期：{value!r}", location=where) from None


def _upsert(node: dict[str, Any], parent: Area | None, source: str, where: str, seen: set[str]) -> int:
    code = str(node.get("code", ""))
    if not code.isdigit() or len(code) not in (6, 12):
        raise InvalidInput(f"区划代码应为 6 或 12 位数字：{code!r}", location=where)
    if code in seen:
        raise InvalidInput(f"区划代码重复：{code}", location=where)
    seen.add(code)
    kind = str(node.get("kind", ""))
    if kind not in _LEVEL_BY_KIND:
        raise InvalidInput(f"未知的区划类型：{kind!r}", location=f"{where} {code}")
    area, _ = Area.objects.update_or_create(
        code=code,
        defaults={
            "name": node["name"], "kind": kind, "level": _LEVEL_BY_KIND[kind], "parent": parent,
            "valid_from": _date(node.get("valid_from"), f"{where} {code}"),
            "valid_to": _date(node.get("valid_to"), f"{where} {code}"),
            "source": source[:255], "is_demo": bool(node.get("demo", False)),
        },
    )
    count = 1
    for child in node.get("children", []) or []:
        count += _upsert(child, area, source, where, seen)
    return count


@transaction.atomic
def load_areas(path: Path | None = None) -> int:
    """Load the area tree from YAML (default ``core/data/areas.yaml``); return the number of areas.

    Idempotent: existing areas are updated by code, none are deleted.

    Raises:
        InvalidInput: a bad code, kind or date, naming the file and the code.
    """
    path = path or DATA_DIR / "areas.yaml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    source = "; ".join(f"{k}: {v}" for k, v in (doc.get("source") or {}).items())
    seen: set[str] = set()
    return sum(_upsert(node, None, source, path.name, seen) for node in doc["areas"])


@transaction.atomic
def load_address_codes(path: Path | None = None) -> int:
    """Load the GB/T 2260 address-code table (default ``core/data/address_codes.csv``); return the row count.

    One row per code and run of years with the same name and full name (province, prefecture and name as
    they were in those years; scripts/build_area_data.py, docs/adr/0048). Idempotent: the table is replaced
    as a whole inside one transaction.
    """
    path = path or DATA_DIR / "address_codes.csv"
    with open(path, encoding="utf-8") as fh:
        first = fh.readline()
        source = first.lstrip("# ").strip() if first.startswith("#") else path.name
        if not first.startswith("#"):
            fh.seek(0)
        rows = [
            AddressCode(
                code=r["code"], name=r["name"], full_name=r["full_name"],
                valid_from_year=int(r["valid_from_year"]) if r["valid_from_year"] else None,
                valid_to_year=int(r["valid_to_year"]) if r["valid_to_year"] else None,
                source=source[:255],
            )
            for r in csv.DictReader(fh)
        ]
    AddressCode.objects.all().delete()
    AddressCode.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def pick_period(periods: Iterable[AddressCode], year: int | None = None) -> AddressCode | None:
    """Return the period of one code in force in ``year`` (the latest one when ``year`` is None).

    A year no period covers (the code was not in that year's list) gets the first period after it, because
    an ID number's address code is assigned at or after birth; failing that, the latest period.
    """
    ordered = sorted(periods, key=lambda p: p.valid_from_year or 0)
    if not ordered:
        return None
    if year is None:
        return ordered[-1]
    for p in ordered:
        if (p.valid_from_year or 0) <= year <= (p.valid_to_year or 9999):
            return p
    return next((p for p in ordered if (p.valid_from_year or 0) > year), ordered[-1])


def resolve_address_code(code: str, year: int | None = None) -> AddressCode | None:
    """Return the address code entry for a 6-digit ``code`` in ``year`` (see :func:`pick_period`).

    Its ``name`` and ``full_name`` (province, prefecture, name) are those in force that year. Never fails on an
    obsolete code: that is normal for older ID numbers. Returns None when unknown.
    """
    return pick_period(AddressCode.objects.filter(code=code), year)


def _loader(stdout: Any = None) -> str:
    return f"{load_areas()} areas, {load_address_codes()} address codes"
