"""The audit trail: who, when, what, before/after, from which address.

- Every create, update and delete of a :class:`~jisheng.core.models.DomainModel` is recorded by the
  signal handlers below (bulk writes record one ``batch`` event through :func:`record`).
- Every view or export of sensitive personal data is recorded by the code that shows or exports it,
  with :func:`record_view` / :func:`record_export`.

The acting user and address come from :func:`context`, set per request by
``RequestContextMiddleware`` and by CLI commands and tasks with ``with audit.context(actor=...)``.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from . import clock
from .models import AuditAction, AuditEvent, DomainModel


@dataclass(frozen=True)
class AuditContext:
    """Who is acting: the user (or None for the system), their address and a request id."""

    actor: Any = None
    ip: str | None = None
    request_id: str = ""


_NOBODY = AuditContext()
_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar("audit_context")


@contextlib.contextmanager
def context(*, actor: Any = None, ip: str | None = None, request_id: str | None = None) -> Iterator[AuditContext]:
    """Set the acting user and address for audit events recorded inside the ``with`` block."""
    ctx = AuditContext(actor=actor, ip=ip, request_id=request_id or uuid.uuid4().hex)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def current() -> AuditContext:
    """Return the audit context in force."""
    return _current.get(_NOBODY)


def acting(actor: Any) -> contextlib.AbstractContextManager[AuditContext]:
    """The audit context every service write runs in: ``actor`` acting, from the request in force.

    Inside a request (or a command that set an address), the client address and request id of the current
    context are kept and only the actor is set, so a service's events carry where the request came from.
    Outside any context (a task, a test) it opens a fresh one for ``actor``. ``actor`` None keeps the
    current context as it is (the system acting inside someone's request, e.g. a signal).
    """
    here = current()
    if actor is None:
        return contextlib.nullcontext(here)
    return context(actor=actor, ip=here.ip, request_id=here.request_id or None)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return "<binary>"
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Return ``{field_name: json-safe value}`` of the concrete fields of ``instance`` (FKs as ids)."""
    excluded = set(getattr(instance, "audit_exclude", ())) | {"created_at", "updated_at"}
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in excluded:
            continue
        if isinstance(field, models.FileField):
            value = getattr(instance, field.attname)
            data[field.name] = str(value) if value else ""
            continue
        data[field.name] = _json_value(getattr(instance, field.attname))
    return data


def _label(instance: models.Model) -> str:
    label = getattr(instance, "audit_label", None)
    if callable(label):
        return str(label())[:200]
    return f"{instance._meta.verbose_name} #{instance.pk}"[:200]


def record(
    action: str,
    *,
    object_type: str,
    object_id: Any = "",
    object_label: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
    area_id: int | None = None,
) -> AuditEvent:
    """Append one audit event and return it. ``action`` is an :class:`AuditAction` value."""
    event = _event(action, object_type=object_type, object_id=object_id, object_label=object_label,
                   changes=changes, reason=reason, area_id=area_id)
    event.save(force_insert=True)
    return event


def _event(
    action: str,
    *,
    object_type: str,
    object_id: Any = "",
    object_label: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
    area_id: int | None = None,
) -> AuditEvent:
    """The unsaved event :func:`record` appends: the current actor, address and request id, now."""
    ctx = current()
    actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
    return AuditEvent(
        at=clock.now(),
        actor=actor,
        actor_label=getattr(actor, "username", "") if actor else "system",
        ip=ctx.ip,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_label=object_label[:200],
        area_id=area_id,
        changes=changes or {},
        reason=reason[:255],
        request_id=ctx.request_id,
    )


def _object_type(instance: models.Model) -> str:
    return instance._meta.label_lower


def record_view(instance: models.Model, *, what: str, reason: str = "") -> AuditEvent:
    """Record that the current actor viewed sensitive data ``what`` (e.g. "完整身份证号") of ``instance``."""
    return record(
        AuditAction.VIEW, object_type=_object_type(instance), object_id=instance.pk,
        object_label=_label(instance), changes={"what": what}, reason=reason,
        area_id=getattr(instance, "audit_area_id", lambda: None)(),
    )


def record_views(instances: list[models.Model], *, what: str, reason: str = "") -> list[AuditEvent]:
    """Record that the current actor viewed ``what`` of each of ``instances`` (a page showing several people): the
    same events as :func:`record_view` for each, written in one INSERT, so the page's cost does not grow with them."""
    return AuditEvent.objects.bulk_create([
        _event(AuditAction.VIEW, object_type=_object_type(instance), object_id=instance.pk,
               object_label=_label(instance), changes={"what": what}, reason=reason,
               area_id=getattr(instance, "audit_area_id", lambda: None)())
        for instance in instances])


def record_unmask(instance: models.Model, *, field: str, reason: str = "") -> AuditEvent:
    """Record that the current actor unmasked ``field`` of ``instance``."""
    return record(
        AuditAction.UNMASK, object_type=_object_type(instance), object_id=instance.pk,
        object_label=_label(instance), changes={"field": field}, reason=reason,
        area_id=getattr(instance, "audit_area_id", lambda: None)(),
    )


def record_export(*, object_type: str, count: int, fmt: str, filters: dict[str, Any], reason: str = "",
                  object_id: Any = "", area_id: int | None = None) -> AuditEvent:
    """Record an export of ``count`` records of ``object_type`` in format ``fmt`` with the filters used.

    The event is filed under ``area_id`` — by default the area of the acting account, whose scope bounds what it
    could export — so the auditors of that area (a town's too) see it; only a system export has no area.
    """
    if area_id is None:
        actor = current().actor
        area_id = getattr(actor, "area_id", None) if getattr(actor, "is_authenticated", False) else None
    return record(
        AuditAction.EXPORT, object_type=object_type, object_id=object_id,
        changes={"count": count, "format": fmt, "filters": {k: _json_value(v) for k, v in filters.items()}},
        reason=reason, area_id=area_id,
    )


@receiver(pre_save)
def _remember_before(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or not isinstance(instance, DomainModel) or instance.pk is None or instance._state.adding:
        return
    before = type(instance)._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(before) if before is not None else None  # type: ignore[attr-defined]


@receiver(post_save)
def _record_save(sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False,
                 **kwargs: Any) -> None:
    if raw or not isinstance(instance, DomainModel):
        return
    after = snapshot(instance)
    if created:
        changes: dict[str, Any] = {"after": after}
        action = AuditAction.CREATE
    else:
        before = getattr(instance, "_audit_before", None) or {}
        diff = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if not diff:
            return
        changes = {"diff": diff}
        action = AuditAction.UPDATE
    record(action, object_type=_object_type(instance), object_id=instance.pk, object_label=_label(instance),
           changes=changes, area_id=instance.audit_area_id())


@receiver(post_delete)
def _record_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not isinstance(instance, DomainModel):
        return
    record(AuditAction.DELETE, object_type=_object_type(instance), object_id=instance.pk,
           object_label=_label(instance), changes={"before": snapshot(instance)}, area_id=instance.audit_area_id())
