"""The audit trail in words, for auditors: what the browser and its .xlsx export show of each event.

The trail keeps what was recorded (field keys, stored values, ids, UTC instants, personal data in full). An auditor
reads it here: every value masked first (:func:`jisheng.core.masking.mask_record`, so names, ID numbers, phones and
accounts never show), then each field named by its model's label, each stored choice by its label, yes/no for
flags, a linked record by its name (an area's name, a person's masked label, an account's user name), instants in
China Standard Time, and the free details of views, exports and batch steps by their Chinese names — never a raw
dict, an internal key or an English code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from .masking import mask_name, mask_record, mask_text
from .models import AuditEvent

#: The time zone every time in the browser is shown in (北京时间).
CHINA = ZoneInfo("Asia/Shanghai")

#: Names of the free details that views, exports and batch steps record (``changes`` keys), and of the export
#: filters they carry.
DETAIL_LABELS: dict[str, str | Promise] = {
    "what": _l("查看内容"), "field": _l("显示的信息"), "count": _l("条数"), "format": _l("格式"),
    "filters": _l("筛选条件"), "query": _l("查找内容"), "results": _l("结果数"), "masked": _l("脱敏"),
    "reason": _l("事由"), "step": _l("步骤"), "lines": _l("明细条数"), "total": _l("金额合计（元）"),
    "corrections": _l("补发补扣条数"), "persons": _l("人数"), "seed": _l("随机种子"),
    "duplicates_flagged": _l("疑似重复"), "batch": _l("批次"), "paid": _l("成功"), "failed": _l("失败"),
    "unchanged": _l("无变化"), "q": _l("查找内容"), "area": _l("地区"), "status": _l("状态"), "sex": _l("性别"),
    "roll": _l("花名册"), "layout": _l("银行文件格式"), "out": _l("文件名"), "import": _l("导入批次"),
    "month": _l("月份"), "programme": _l("项目"), "type": _l("事项"), "town": _l("镇（街道）"),
    "applicant": _l("当事人"), "due": _l("期限"), "capped": _l("超出上限未全部导出"), "action": _l("动作"),
    "actor": _l("操作人"), "object_type": _l("对象类型"), "object_id": _l("对象编号"), "date_from": _l("起始日期"),
    "date_to": _l("截止日期"), "person": _l("人员"), "export": _l("导出申请"), "grade": _l("等级"),
    "category": _l("类别"), "number": _l("证号"), "cause": _l("死亡原因"), "from": _l("从"), "to": _l("到"),
    "marriage_id": _l("婚姻"), "child_id": _l("子女"),
}
#: Stored words of batch steps and formats, in Chinese.
VALUE_WORDS: dict[str, str | Promise] = {
    "generate": _l("生成"), "return": _l("退回"), "import_returns": _l("导入银行回盘"),
    "retry_failed": _l("失败明细重新发送"), "xlsx": "Excel（.xlsx）", "csv": "CSV", "fixed": _l("定长文本"),
    "system": _l("系统"),
}
#: Record types that are not models (events recorded by name).
TYPE_LABELS: dict[str, str | Promise] = {
    "benefits.report": _l("奖励扶助统计"), "benefits.rollline": _l("花名册明细"),
}
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_EMPTY = _l("（空）")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Line:
    """One line of an event's details: what (a label) and its value(s) in words."""

    label: str
    text: str


@dataclass
class EventView:
    """An audit event as the auditor reads it."""

    event: AuditEvent
    at: str
    actor: str
    ip: str
    action: str
    subject: str
    lines: list[Line] = field(default_factory=list)
    reason: str = ""


def when(instant: dt.datetime | None) -> str:
    """``instant`` in China Standard Time, ``YYYY-MM-DD HH:MM:SS`` (a naive one is taken as UTC)."""
    if instant is None:
        return ""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    """The record type in words: the model's name (人员, 享受对象…), else the known name, else the key."""
    model = _model(object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    return str(TYPE_LABELS.get(object_type, object_type))


def type_choices() -> list[tuple[str, str]]:
    """``(object_type, label)`` of every record type the trail can hold, by label (for the browser's filter)."""
    from .models import DomainModel

    found = {m._meta.label_lower: str(m._meta.verbose_name) for m in apps.get_models()
             if issubclass(m, DomainModel)}
    found.update({"accounts.user": type_label("accounts.user")})
    found.update({k: str(v) for k, v in TYPE_LABELS.items()})
    return sorted(found.items(), key=lambda kv: (kv[1], kv[0]))


class _Resolver:
    """Names of linked records (foreign keys in recorded data), fetched once per model for a page of events."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = {}
        self.names: dict[tuple[type[models.Model], str], str] = {}

    def want(self, model: type[models.Model], pk: Any) -> None:
        if pk not in (None, ""):
            self.wanted.setdefault(model, set()).add(pk)

    def fetch(self) -> None:
        from django.contrib.auth import get_user_model

        from .models import Area

        for model, pks in self.wanted.items():
            clean = {pk for pk in pks if isinstance(pk, int) or str(pk).isdigit()}
            for pk, obj in model._base_manager.in_bulk([int(p) for p in clean]).items():
                found: Any = obj
                if model is Area:
                    name = found.name
                elif model is get_user_model():
                    name = found.get_username()
                elif callable(getattr(found, "audit_label", None)):
                    name = found.audit_label()
                else:
                    name = f"{model._meta.verbose_name} #{pk}"
                self.names[(model, str(pk))] = mask_text(str(name))

    def name(self, model: type[models.Model], pk: Any) -> str:
        return self.names.get((model, str(pk)), f"{model._meta.verbose_name} #{pk}")


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(key)
    except Exception:  # FieldDoesNotExist, or a reverse relation
        return None
    return found if isinstance(found, models.Field) else None


def _label(model: type[models.Model] | None, key: str) -> str:
    f = _field(model, key)
    if f is not None and f.verbose_name and str(f.verbose_name) != key.replace("_", " "):
        return str(f.verbose_name)
    return str(DETAIL_LABELS.get(key, f.verbose_name if f is not None else key))


def _scalar(value: Any) -> str:
    if value is None or value == "":
        return str(_EMPTY)
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, str):
        if _INSTANT.match(value):
            try:
                return when(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
            except ValueError:
                return value
        return str(VALUE_WORDS.get(value, value))
    return str(value)


class _Describer:
    def __init__(self, resolver: _Resolver) -> None:
        self.resolver = resolver

    def want(self, model: type[models.Model] | None, data: Any) -> None:
        """Note the linked records ``data`` (one event's masked ``changes``) names, to fetch them in one go."""
        if model is None or not isinstance(data, dict):
            return
        for part in (data.get("after"), data.get("before"), data.get("diff")):
            if not isinstance(part, dict):
                continue
            for key, value in part.items():
                f = _field(model, key)
                if isinstance(f, models.ForeignKey):
                    for v in value if isinstance(value, list) else [value]:
                        self.resolver.want(f.related_model, v)  # type: ignore[arg-type]

    def value(self, model: type[models.Model] | None, key: str, value: Any) -> str:
        f = _field(model, key)
        if value is None or value == "":
            return str(_EMPTY)
        if isinstance(f, models.ForeignKey):
            return self.resolver.name(f.related_model, value)  # type: ignore[arg-type]
        if f is not None and f.choices and not isinstance(value, dict | list):
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(value, dict):
            return self.mapping(model if f is None else None, value)
        if isinstance(value, list):
            return "、".join(self.value(model, key, v) for v in value) or str(_EMPTY)
        return _scalar(value)

    def filter_value(self, object_type: str, key: str, value: Any) -> str:
        """A filter of an export in words: an area code by the area's name, a stored choice by the label a model of
        the exporting app gives it (``status`` "alive" of a person list: 在册), else as a value."""
        if isinstance(value, str) and key in ("area", "town") and value.isdigit():
            from .models import Area

            area = Area.objects.filter(code=value).only("name").first()
            return area.name if area is not None else value
        if isinstance(value, str):
            try:
                models_of_app = list(apps.get_app_config(object_type.split(".")[0]).get_models())
            except LookupError:
                models_of_app = []
            for model in models_of_app:
                f = _field(model, key)
                if f is not None and f.choices:
                    label = dict(f.flatchoices).get(value)
                    if label is not None:
                        return str(label)
        return self.value(None, key, value)

    def mapping(self, model: type[models.Model] | None, data: dict[str, Any]) -> str:
        parts = [f"{_label(model, k)}：{self.value(model, k, v)}" for k, v in data.items()
                 if v not in (None, "", [], {})]
        return "；".join(parts) or str(_EMPTY)

    def lines(self, event: AuditEvent, model: type[models.Model] | None, data: Any) -> list[Line]:
        if not isinstance(data, dict) or not data:
            return []
        if isinstance(data.get("diff"), dict):
            out = []
            for k, v in data["diff"].items():
                before, after = (v[0], v[1]) if isinstance(v, list) and len(v) == 2 else (None, v)
                out.append(Line(_label(model, k), f"{self.value(model, k, before)} → {self.value(model, k, after)}"))
            return out
        for whole in ("after", "before"):
            if isinstance(data.get(whole), dict) and len(data) == 1:
                return [Line(_label(model, k), self.value(model, k, v)) for k, v in data[whole].items()
                        if v not in (None, "", False, [], {}) and k != "id"]  # (the id is the subject's)
        out = []
        for key, value in data.items():
            if key == "field" and isinstance(value, str):  # "id_number,phone,bank_account": the fields shown
                text = "、".join(_label(model, k.strip()) for k in value.split(",") if k.strip())
            elif key == "filters" and isinstance(value, dict):
                text = "；".join(f"{_label(None, k)}：{self.filter_value(event.object_type, k, v)}"
                                for k, v in value.items() if v not in (None, "", [], {})) or str(_EMPTY)
            else:
                text = self.value(None, key, value)
            out.append(Line(_label(None, key), text))
        return out


#: Recorded search terms (a look-up's ``query``; an export's ``q`` and ``person`` filters), which may be a name.
_TERMS = ("query", "q", "person")


def _mask_term(term: str) -> str:
    """A search term masked like a name when it is Chinese (王东明 → 王**; a surname alone, 王, says nobody and stays);
    an ID or phone number in it is masked by :func:`mask_record` already."""
    if not _HAN.search(term):
        return term
    return " ".join(part if len(part) < 2 else mask_name(part) for part in term.split())


def _mask_terms(data: Any) -> Any:
    """``data`` with its recorded search terms masked (:data:`_TERMS`, at the top and in ``filters``)."""
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {k: _mask_term(v) if k in _TERMS and isinstance(v, str) else v for k, v in data.items()}
    filters = out.get("filters")
    if isinstance(filters, dict):
        out["filters"] = {k: _mask_term(v) if k in _TERMS and isinstance(v, str) else v for k, v in filters.items()}
    return out


def describe(events: Iterable[AuditEvent]) -> list[EventView]:
    """The events as the auditor reads them (masked, in words, times in China Standard Time)."""
    events = list(events)
    resolver = _Resolver()
    describer = _Describer(resolver)
    masked = [_mask_terms(mask_record(e.changes, object_type=e.object_type)) for e in events]
    for e, data in zip(events, masked, strict=True):
        describer.want(_model(e.object_type), data)
    resolver.fetch()
    out = []
    for e, data in zip(events, masked, strict=True):
        model = _model(e.object_type)
        subject = f"{type_label(e.object_type)}" + (f" #{e.object_id}" if e.object_id else "")
        label = mask_text(e.object_label).removesuffix(f" #{e.object_id}" if e.object_id else "\0").strip()
        if label and not e.object_id and label.startswith(type_label(e.object_type)):
            subject = label  # 人员查询, not 人员 人员查询
        elif label and label not in subject:
            subject += f" {label}"
        out.append(EventView(
            event=e, at=when(e.at), actor=e.actor_label or _("系统"), ip=e.ip or "",
            action=str(e.get_action_display()), subject=subject, lines=describer.lines(e, model, data),
            reason=mask_text(e.reason)))
    return out


def to_xlsx(rows: list[EventView], *, notes: Iterable[tuple[str, str]] = ()) -> bytes:
    """The described events as a one-sheet workbook (every value written as text, never as a formula)."""
    import io

    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_("审计记录"))

    def text_row(values: Iterable[str]) -> list[WriteOnlyCell]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(ws, value=str(value))
            cell.data_type = "s"  # "=HYPERLINK(…)" typed into a field stays text
            cells.append(cell)
        return cells

    notes = list(notes)
    for label, value in notes:
        ws.append(text_row([label, value]))
    if notes:
        ws.append([])
    ws.append(text_row([_("时间（北京时间）"), _("操作人"), _("来源地址"), _("动作"), _("对象"), _("详情"), _("事由")]))
    for r in rows:
        ws.append(text_row([r.at, r.actor, r.ip, r.action, r.subject,
                            "\n".join(f"{line.label}：{line.text}" for line in r.lines), r.reason]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
