"""Dated legal parameters (法定参数): one YAML file per quantity under ``jisheng/law/data/parameters/``.

File ``<key>.yaml`` (the file name is the key)::

    description: 行政许可决定期限
    unit: working_days                 # default unit of the values
    values:
      2004-07-01:                      # in force from this date (inclusive) …
        value: 20
        provision: admin-licensing-law-2003/art-42/para-1
        verified: true
      2030-01-01:                      # … until the next start date (exclusive): half-open intervals
        value: null                    # null = no value in force from this date (repealed)
        provision: some-instrument/art-1
        verified: false

Every value needs ``value``, ``provision`` (a citation key) and ``verified`` (false for values marked
UNVERIFIED in legal-facts: the UI shows them as unverified). The loader rejects impossible dates
(``2025-02-30``), unordered or duplicate dates, unknown keys and values without a reference, naming file
and line; the system check ``law.E001`` refuses to start with a bad file, ``law.E002`` with a reference
to an unknown provision.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from jisheng.core.errors import InvalidInput

from . import yamlio

DATA_DIR = Path(__file__).resolve().parent / "data" / "parameters"

#: Units a parameter may have.
UNITS: dict[str, str] = {
    "working_days": "工作日",
    "calendar_days": "日",
    "months": "个月",
    "years": "年",
    "yuan_per_person_month": "元/人·月",
    "yuan_per_person_year": "元/人·年",
    "yuan": "元",
    "rate_per_month": "每月比例",
    "rate_per_day": "每日比例",
    "multiple": "倍",
    "age": "周岁",
    "date": "日期",
    "flag": "是/否",
}

Value = Decimal | int | str | bool | None


@dataclass(frozen=True)
class ParameterValue:
    """The value of parameter ``key`` in force on ``[valid_from, valid_to)`` (``valid_to`` None = open).

    ``value``: ``int`` (day counts), ``Decimal`` (yuan, rates), ``str`` or ``bool``; ``unit``: a key of
    :data:`UNITS`; ``provision``: the citation key of the legal basis; ``verified``: False when the
    value still has to be confirmed by the legal staff.
    """

    key: str
    value: Value
    unit: str
    provision: str
    verified: bool
    valid_from: dt.date
    valid_to: dt.date | None
    note: str = ""
    location: str = ""

    @property
    def unit_label(self) -> str:
        return UNITS.get(self.unit, self.unit)


@dataclass(frozen=True)
class Parameter:
    """A legal quantity with its dated values (ascending by ``valid_from``)."""

    key: str
    description: str
    unit: str
    values: tuple[ParameterValue, ...]
    path: str

    def value_on(self, on: dt.date) -> ParameterValue:
        """The value in force on ``on``; raises :class:`InvalidInput` when none is (before the first or repealed)."""
        found: ParameterValue | None = None
        for v in self.values:
            if v.valid_from <= on:
                found = v
            else:
                break
        if found is None or found.value is None:
            raise InvalidInput(_("参数 %(key)s 在 %(on)s 没有有效的取值。") % {"key": self.key, "on": on.isoformat()},
                               location=self.key)
        return found


def load_parameter_file(path: Path) -> Parameter:
    """Read and validate one parameter file. Raises :class:`InvalidInput` naming file and line."""
    root = yamlio.compose(path)
    top = yamlio.as_dict(path, root, _("参数文件"), required={"description", "unit", "values"},
                         allowed={"description", "unit", "values", "note"})
    key = path.stem
    description = yamlio.string(path, top["description"], "description")
    unit = yamlio.string(path, top["unit"], "unit")
    if unit not in UNITS:
        raise InvalidInput(_("未知的单位“%(u)s”。") % {"u": unit}, location=yamlio.location(path, top["unit"]))
    pairs = yamlio.mapping(path, top["values"], "values")
    if not pairs:
        raise InvalidInput(_("values 不能为空。"), location=yamlio.location(path, top["values"]))
    entries: list[tuple[dt.date, yaml.Node, yaml.Node]] = []
    previous: dt.date | None = None
    for date_node, value_node in pairs:
        start = yamlio.date(path, date_node, _("起始日期"))
        assert start is not None
        if previous is not None and start <= previous:
            raise InvalidInput(_("起始日期 %(d)s 不晚于前一个日期 %(p)s：日期必须递增且不重复。")
                               % {"d": start.isoformat(), "p": previous.isoformat()},
                               location=yamlio.location(path, date_node))
        previous = start
        entries.append((start, date_node, value_node))
    values: list[ParameterValue] = []
    for i, (start, key_node, value_node) in enumerate(entries):
        fields = yamlio.as_dict(path, value_node, start.isoformat(), allowed={"value", "provision", "verified",
                                                                               "unit", "note"})
        where = yamlio.location(path, value_node if isinstance(value_node, yaml.MappingNode) else key_node)
        if "value" not in fields:
            raise InvalidInput(_("%(d)s 的取值缺少“value”。") % {"d": start.isoformat()}, location=where)
        if "provision" not in fields or yamlio.scalar(path, fields["provision"]) in (None, ""):
            raise InvalidInput(_("%(d)s 的取值缺少法律依据“provision”（条款引用键）。") % {"d": start.isoformat()},
                               location=where)
        if "verified" not in fields:
            raise InvalidInput(_("%(d)s 的取值缺少“verified: true|false”。") % {"d": start.isoformat()},
                               location=where)
        value_unit = yamlio.string(path, fields["unit"], "unit") if "unit" in fields else unit
        if value_unit not in UNITS:
            raise InvalidInput(_("未知的单位“%(u)s”。") % {"u": value_unit},
                               location=yamlio.location(path, fields["unit"]))
        raw = yamlio.scalar(path, fields["value"])
        value: Value
        if raw is None:
            value = None
        elif value_unit.startswith(("yuan", "rate", "multiple")):
            if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
                raise InvalidInput(_("金额或比例必须是数值：%(v)s") % {"v": raw},
                                   location=yamlio.location(path, fields["value"]))
            value = Decimal(raw)
        elif value_unit in {"working_days", "calendar_days", "months", "years", "age"}:
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
                raise InvalidInput(_("期限必须是非负整数：%(v)s") % {"v": raw},
                                   location=yamlio.location(path, fields["value"]))
            value = raw
        else:
            value = raw
        valid_to = entries[i + 1][0] if i + 1 < len(entries) else None
        values.append(ParameterValue(
            key=key, value=value, unit=value_unit,
            provision=yamlio.string(path, fields["provision"], "provision"),
            verified=yamlio.boolean(path, fields["verified"], "verified"),
            valid_from=start, valid_to=valid_to,
            note=yamlio.string(path, fields["note"], "note", allow_empty=True) if "note" in fields else "",
            location=where,
        ))
    return Parameter(key=key, description=description, unit=unit, values=tuple(values), path=yamlio.display_path(path))


def load_parameters(directory: Path | None = None) -> dict[str, Parameter]:
    """Load every ``*.yaml`` in ``directory`` (default :data:`DATA_DIR`); a bad file raises :class:`InvalidInput`."""
    files = sorted((directory or DATA_DIR).glob("*.yaml"))
    return {p.key: p for p in (load_parameter_file(path) for path in files)}


def parameter_errors(directory: Path | None = None) -> list[InvalidInput]:
    """Every file's load error (empty when all files are good) — used by the system check."""
    errors: list[InvalidInput] = []
    for path in sorted((directory or DATA_DIR).glob("*.yaml")):
        try:
            load_parameter_file(path)
        except InvalidInput as exc:
            errors.append(exc)
    return errors


@functools.cache
def _catalogue() -> dict[str, Parameter]:
    return load_parameters()


def all_parameters() -> dict[str, Parameter]:
    """All parameters by key (loaded once per process from the repository's YAML files)."""
    return _catalogue()


def get_parameter(key: str) -> Parameter:
    """The parameter ``key``; raises :class:`InvalidInput` for an unknown key."""
    try:
        return _catalogue()[key]
    except KeyError:
        raise InvalidInput(_("未知的参数 %(key)s。") % {"key": key}, location=key) from None


def parameter_value(key: str, on: dt.date) -> ParameterValue:
    """The value of parameter ``key`` in force on ``on`` (half-open intervals by start date).

    Raises :class:`InvalidInput` for an unknown key or when no value is in force on that date.
    """
    return get_parameter(key).value_on(on)
