"""Staff workbench, module placeholders, the area tree, the audit browser and the server-error page."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from jisheng.accounts.roles import roles_with

from . import modules, selectors
from .access import area_get_for_user, route_scope
from .forms import AuditFilterForm
from .masking import mask_record, mask_text
from .models import Area

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


@route_scope(roles=roles_with("audit.view"))
def audit_list(request: HttpRequest) -> HttpResponse:
    """Browse the audit trail with filters; newest first, 50 per page (keyset pagination)."""
    form = AuditFilterForm(request.GET or None)
    try:
        before_id = int(request.GET.get("before", "") or 0) or None
    except ValueError:
        before_id = None
    if before_id is not None and before_id < 1:
        before_id = None  # ids start at 1: a negative cursor would silently list nothing
    if form.is_bound and not form.is_valid():
        # A filter that cannot be applied (e.g. 2026-02-30) shows its error and no events: listing the
        # unfiltered trail instead would let an auditor believe the filter was applied.
        events = []
    else:
        filters = form.cleaned_data if form.is_bound else {}
        events = selectors.audit_events_for(request.user, before_id=before_id,
                                            **{k: v for k, v in filters.items() if v})
    next_before = events[-1].id if len(events) == selectors.AUDIT_PAGE_SIZE else None
    # The trail holds personal data as recorded; the browser shows it masked (auditors cannot unmask).
    rows = [(e, mask_record(e.changes, object_type=e.object_type), mask_text(e.reason)) for e in events]
    query = request.GET.copy()
    query.pop("before", None)
    return render(request, "core/audit_list.html", {
        "form": form, "rows": rows, "next_before": next_before, "query": query.urlencode(),
    })


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
