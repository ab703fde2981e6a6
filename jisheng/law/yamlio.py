"""Reading the law data files (YAML) with line numbers, so every error names file and line.

The files are parsed with :func:`yaml.compose` (a node tree with marks) instead of ``safe_load``:
duplicate keys are visible, dates are parsed by us (``2025-02-30`` is an error at its line, not a
silent string), and each value keeps its position.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from jisheng.core.errors import InvalidInput

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_ROOT = Path(__file__).resolve().parents[2]


class Label(str):
    """The name of text that is not a file on this machine (an uploaded file's name, "粘贴的文本"): error
    locations show it as is instead of resolving it as a path."""

    __slots__ = ()


def display_path(path: Path | str) -> str:
    """``path`` relative to the project root when inside it (``jisheng/law/data/…``), else as given."""
    if isinstance(path, Label):
        return str(path)
    try:
        return str(Path(path).resolve().relative_to(_ROOT))
    except ValueError:
        return str(path)


def location(path: Path | str, node: yaml.Node) -> str:
    """``"jisheng/law/data/parameters/x.yaml:12"`` (1-based line of ``node``)."""
    return f"{display_path(path)}:{node.start_mark.line + 1}"


def compose(path: Path) -> yaml.Node:
    """Parse ``path`` into a node tree; a YAML syntax error or a file that is not UTF-8 names file and line."""
    return compose_bytes(path.read_bytes(), path)


def compose_bytes(raw: bytes, path: Path | Label) -> yaml.Node:
    """Parse ``raw`` (UTF-8, a byte-order mark allowed) read from ``path`` — a file, or a :class:`Label` for an
    upload or pasted text — into a node tree; errors name ``path`` and the line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # e.g. saved as GBK: name the line instead of crashing the system check
        line = raw[:exc.start].count(b"\n") + 1
        raise InvalidInput(_("文件不是 UTF-8 编码（请另存为 UTF-8）。"),
                           location=f"{display_path(path)}:{line}") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{display_path(path)}:{mark.line + 1}" if mark else display_path(path)
        raise InvalidInput(_("YAML 格式错误：%(e)s") % {"e": exc.problem or exc}, location=where) from exc
    if node is None:
        raise InvalidInput(_("文件为空。"), location=f"{display_path(path)}:1")
    return node


def mapping(path: Path | Label, node: yaml.Node, what: str) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
    """The ``(key node, value node)`` pairs of a mapping; duplicate keys are an error at their line."""
    if not isinstance(node, yaml.MappingNode):
        raise InvalidInput(_("%(what)s 必须是映射（键: 值）。") % {"what": what}, location=location(path, node))
    seen: set[str] = set()
    pairs: list[tuple[yaml.ScalarNode, yaml.Node]] = []
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise InvalidInput(_("键必须是标量。"), location=location(path, key))
        if key.value in seen:
            raise InvalidInput(_("重复的键 %(k)s。") % {"k": key.value}, location=location(path, key))
        seen.add(key.value)
        pairs.append((key, value))
    return pairs


def as_dict(path: Path | Label, node: yaml.Node, what: str, *, required: set[str] = frozenset(),  # type: ignore[assignment]
            allowed: set[str] | None = None) -> dict[str, yaml.Node]:
    """A mapping as ``{key: value node}``, checking required and allowed keys (errors name the line)."""
    pairs = mapping(path, node, what)
    result = {k.value: v for k, v in pairs}
    for missing in sorted(required - result.keys()):
        raise InvalidInput(_("%(what)s 缺少“%(k)s”。") % {"what": what, "k": missing}, location=location(path, node))
    if allowed is not None:
        for k, _v in pairs:
            if k.value not in allowed and k.value not in required:
                raise InvalidInput(_("%(what)s 中有未知的键“%(k)s”。") % {"what": what, "k": k.value},
                                   location=location(path, k))
    return result


def scalar(path: Path | Label, node: yaml.Node) -> Any:
    """A scalar node's Python value (null, bool, int, Decimal for floats, str). Dates stay strings."""
    if not isinstance(node, yaml.ScalarNode):
        raise InvalidInput(_("此处需要单个值。"), location=location(path, node))
    tag = node.tag
    text = node.value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return text.lower() in {"true", "yes", "on"}
    if tag == "tag:yaml.org,2002:int":
        try:
            return int(text.replace("_", ""), 0) if text.startswith(("0x", "0o")) else int(text.replace("_", ""))
        except ValueError as exc:
            raise InvalidInput(_("不是整数：%(v)s") % {"v": text}, location=location(path, node)) from exc
    if tag == "tag:yaml.org,2002:float":
        try:
            return Decimal(text)
        except InvalidOperation as exc:
            raise InvalidInput(_("不是数值：%(v)s") % {"v": text}, location=location(path, node)) from exc
    return text


def string(path: Path | Label, node: yaml.Node, what: str, *, allow_empty: bool = False) -> str:
    value = scalar(path, node)
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_empty:
            return ""
        raise InvalidInput(_("“%(what)s”不能为空。") % {"what": what}, location=location(path, node))
    if not isinstance(value, str):
        value = str(node.value)
    return value.strip()


def boolean(path: Path | Label, node: yaml.Node, what: str) -> bool:
    value = scalar(path, node)
    if not isinstance(value, bool):
        raise InvalidInput(_("“%(what)s”必须是 true 或 false。") % {"what": what}, location=location(path, node))
    return value


def date(path: Path | Label, node: yaml.Node, what: str, *, allow_null: bool = False) -> dt.date | None:
    """A ``YYYY-MM-DD`` date; an impossible date such as ``2025-02-30`` is an error at its line."""
    if not isinstance(node, yaml.ScalarNode):
        raise InvalidInput(_("“%(what)s”必须是日期。") % {"what": what}, location=location(path, node))
    if node.tag == "tag:yaml.org,2002:null" or node.value == "":
        if allow_null:
            return None
        raise InvalidInput(_("“%(what)s”不能为空。") % {"what": what}, location=location(path, node))
    text = node.value.strip()
    if not DATE_RE.match(text):
        raise InvalidInput(_("“%(what)s”不是 YYYY-MM-DD 格式的日期：%(v)s") % {"what": what, "v": text},
                           location=location(path, node))
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(_("不存在的日期：%(v)s") % {"v": text}, location=location(path, node)) from exc
