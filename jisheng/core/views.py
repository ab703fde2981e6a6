"""Staff workbench, module placeholders, the area tree, the audit browser and the server-error page."""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from jisheng.accounts.roles import roles_with

from . import audit, audit_display, clock, modules, selectors
from .access import area_get_for_user, route_scope
from .forms import AuditFilterForm
from .models import Area
from .pagination import Page, id_cursor

logger = logging.getLogger(__name__)

#: What the 500 handler answers when not even the plain template can be rendered.
_LAST_RESORT_500 = (
    '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><title>系统出错</title></head><body>'
    "<h1>系统出错</h1><p>处理您的请求时系统出错，错误已记录。请稍后重试；如问题持续，请联系系统管理员。</p>"
    '<p><a href="/">返回工作台</a> · <a href="/portal/">公众门户首页</a></p></body></html>'
)


@route_scope()
def workbench(request: HttpRequest) -> HttpResponse:
    """The staff workbench: my to-do list, counts per module and deadlines at risk."""
    items = modules.workbench_for(request.user)
    todos = [t for i in items for t in i.todos]
    at_risk = sorted((t for i in items for t in i.deadlines_at_risk), key=lambda t: (t.due is None, t.due))
    counts = {i.module: i.counts for i in items if i.counts}
    mine = modules.modules_for(request.user)
    return render(request, "core/workbench.html", {
        "todos": todos, "at_risk": at_risk,
        # Modules in use as cards (with their counts); planned ones as one short line, so a town officer on a
        # phone does not scroll past a screenful of "尚未上线" cards.
        "cards": [(m, counts.get(m.key, {})) for m in mine if m.available],
        "planned": [m for m in mine if not m.available],
    })


@route_scope()
def module_unavailable(request: HttpRequest, key: str) -> HttpResponse:
    """A plain page for a module whose issue has not landed yet."""
    module = modules.get(key)
    if module is None:
        raise Http404
    return render(request, "core/module_unavailable.html", {"module": module})


@route_scope()
def area_tree(request: HttpRequest) -> HttpResponse:
    """The administrative areas inside the user's scope."""
    area = request.user.area  # type: ignore[union-attr]
    areas = selectors.area_subtree(area) if area else Area.objects.none()
    return render(request, "core/area_tree.html", {"areas": areas})


@route_scope(obj="core.area")
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One area with its sub-areas and the staff scoped to it."""
    area = area_get_for_user(request.user, code)
    return render(request, "core/area_detail.html", {
        "area": area, "children": area.children.order_by("code"), "staff": area.staff.order_by("username"),
    })


#: At most this many events in one export of the audit browser (narrow the filters above it).
AUDIT_EXPORT_LIMIT = 10_000


@route_scope(roles=roles_with("audit.view"))
def audit_list(request: HttpRequest) -> HttpResponseBase:
    """Browse the audit trail with filters; newest first, 50 per page (keyset pagination); ``?format=xlsx`` exports
    what the filters select (audited).

    Every event is shown in words (:mod:`.audit_display`): masked, labelled, times in China Standard Time. A person
    filter (name or ID number) is looked up inside the auditor's scope through the registry's audited search.
    """
    form = AuditFilterForm(request.GET or None)
    # a cursor that is not an id (negative, out of range, tampered) shows the first page
    before_id, newer_id = id_cursor(request.GET, "before"), id_cursor(request.GET, "newer")
    exporting = request.GET.get("format") == "xlsx"
    page: Page[Any] = Page([], None, None)
    filters: dict[str, Any] = {}
    if form.is_bound and not form.is_valid():
        # A filter that cannot be applied (e.g. 2026-02-30) shows its error and no events: listing the
        # unfiltered trail instead would let an auditor believe the filter was applied.
        events: list[Any] = []
    else:
        filters = {k: v for k, v in (form.cleaned_data if form.is_bound else {}).items() if v}
        person = filters.pop("person", "")
        subjects = modules.audit_subjects(request.user, person) if person else None
        if person and subjects is None:
            events = []  # nobody in the auditor's scope by that name or number
        else:
            page = selectors.audit_events_for(
                request.user, before_id=None if exporting else before_id,
                newer_id=None if exporting else newer_id, subjects=subjects,
                limit=AUDIT_EXPORT_LIMIT if exporting else selectors.AUDIT_PAGE_SIZE, **filters)
            events = page.rows
        if person:
            filters["person"] = person
    # The trail holds personal data as recorded; the browser shows it masked (auditors cannot unmask).
    rows = audit_display.describe(events)
    if exporting:
        return _audit_export(request, rows, filters)
    query = request.GET.copy()
    for cursor in ("before", "newer", "format"):
        query.pop(cursor, None)
    return render(request, "core/audit_list.html", {
        "form": form, "rows": rows, "next_before": page.next_cursor, "previous_newer": page.previous_cursor,
        "query": query.urlencode(),
    })


def _audit_export(request: HttpRequest, rows: list[audit_display.EventView], filters: dict[str, Any]) -> HttpResponse:
    """The selected events as .xlsx (at most :data:`AUDIT_EXPORT_LIMIT`), recorded as an export of the trail."""
    from urllib.parse import quote

    today = clock.today()
    notes = [(_("导出时间（北京时间）"), audit_display.when(clock.now())), (_("条数"), str(len(rows)))]
    if len(rows) >= AUDIT_EXPORT_LIMIT:
        notes.append((_("说明"), _("仅导出最新的 %(n)s 条，请缩小筛选范围后分批导出")
                      % {"n": f"{AUDIT_EXPORT_LIMIT:,}"}))
    body = audit_display.to_xlsx(rows, notes=notes)
    audit.record_export(object_type="core.auditevent", count=len(rows), fmt="xlsx",
                        filters={k: str(v) for k, v in filters.items()})
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = _("审计记录") + f"_{today:%Y%m%d}.xlsx"
    response["Content-Disposition"] = (f"attachment; filename=\"audit_{today:%Y%m%d}.xlsx\"; "
                                       f"filename*=UTF-8''{quote(name)}")
    return response


@route_scope(public=True)
def healthz(request: HttpRequest) -> HttpResponse:
    """``GET /healthz``: ``ok`` as text/plain, for load balancers and the web benchmark.

    No database access of its own: what it costs a signed-in caller is only what the middleware costs (the
    session and user reads), which is what the benchmark compares with an anonymous caller.
    """
    return HttpResponse(b"ok", content_type="text/plain; charset=utf-8")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a refused form (expired page, missing cookie, forged origin) answers the Chinese 403
    page with the navigation and a way back, instead of Django's English one; nothing was saved."""
    from django.http import HttpResponseForbidden

    return HttpResponseForbidden(loader.render_to_string("403_csrf.html", request=request))


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page (``handler500``): the full layout when it can be rendered, else a plain page, else fixed text.

    What failed may be the database or the layout itself (the navigation context processor, the signed-in user,
    a static-file manifest), so rendering ``500.html`` in the staff layout can fail again. Then ``500_plain.html``
    is rendered without the request (no context processors, nothing from the database), and if even that fails
    a fixed Chinese text answers: the error page itself must never raise.
    """
    try:
        return HttpResponseServerError(loader.render_to_string("500.html", request=request))
    except Exception as exc:  # any failure of the layout: fall back to the plain page
        logger.warning("500 page: full layout failed (%s), answering the plain page", type(exc).__name__)
    try:
        return HttpResponseServerError(loader.render_to_string("500_plain.html"))
    except Exception as exc:  # the error page must answer whatever else is broken
        logger.warning("500 page: plain template failed (%s), answering fixed text", type(exc).__name__)
    return HttpResponseServerError(_LAST_RESORT_500)
