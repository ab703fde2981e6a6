"""Staff case pages: the list, the case page (status, parties, clocks, materials, documents, records, steps,
decision, history), the legal review page and the POST endpoints that call the services. Every case is
fetched through :mod:`.access` (404 for what the account may not open); every write goes through a service,
which checks the capability of the case's type again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jisheng.core import audit, clock
from jisheng.core.access import route_scope
from jisheng.core.errors import DomainError, for_people
from jisheng.core.masking import mask_name, mask_text
from jisheng.core.pagination import id_cursor

from . import exports, selectors, services, types
from .access import case_document_get_for_user, case_get_for_user, cases_for_user
from .forms import ActionForm, ClockForm, DecideForm, LegalReviewForm, RecordForm, SpecialForm, UploadForm, WithdrawForm
from .models import Case, CaseDocument, DocumentOrigin
from .types import SPECIAL_RECORDS

VIEWERS = types.roles_that_may("view")
WRITERS = types.roles_that_may("register") | types.roles_that_may("change")
HANDLERS = types.roles_that_may("change") | types.roles_that_may("decide") | types.roles_that_may("publish")
DECIDERS = types.roles_that_may("decide")
LEGAL_REVIEWERS = types.roles_that_may("legal_review")
CLOCK_KEEPERS = (types.roles_that_may("change") | types.roles_that_may("decide")
                 | types.roles_that_may("approve_extension"))


def _back(case: Case, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("cases:detail", args=[case.number]) + (f"#{anchor}" if anchor else ""))


def _run(request: HttpRequest, case: Case, fn: Any, anchor: str = "") -> HttpResponseRedirect:
    try:
        fn()
    except DomainError as exc:
        messages.error(request, for_people(exc))
    else:
        messages.success(request, _("已保存。"))
    return _back(case, anchor)


#: At most this many deadlines at risk head the case list (the due filters list all of them, page by page).
AT_RISK_SHOWN = 20

DUE_LABELS = {"overdue": _l("已超期"), "3": _l("3 日内届满"), "7": _l("7 日内届满"),
              "pending": _l("届满日待定（缺工作日历）")}


def _list_towns(user: Any) -> list[Any]:
    """The towns a user may filter by: those inside their area (a town officer: their own town only). Cases are
    received by towns, so an account scoped below a town has none to choose."""
    from jisheng.core.models import AreaLevel
    from jisheng.core.selectors import towns_of

    area = getattr(user, "area", None)
    if area is None or area.level > AreaLevel.TOWN:
        return []
    if area.level == AreaLevel.TOWN:  # a town's subtree holds one town, itself: no query
        return [area]
    return list(towns_of(area))


def _list_filters(request: HttpRequest) -> dict[str, Any]:
    """The case list's filters from the query string, each checked against what the user may choose (anything
    else is dropped): type, status (``type:status``, since types share status codes), town, party, due window."""
    get = request.GET
    viewable = types.viewable_types(request.user)
    keys = {t.key for t in viewable}
    case_type = get.get("type", "") if get.get("type", "") in keys else ""
    raw = get.get("status", "")
    status_type, _sep, status = raw.partition(":") if ":" in raw else (case_type, "", raw)
    if (status_type not in keys or (case_type and status_type != case_type)
            or status not in types.get(status_type).workflow.statuses):
        status_type, status = "", ""
    towns = _list_towns(request.user)
    town = get.get("town", "")
    town = town if any(t.code == town for t in towns) else ""
    applicant = " ".join(get.get("applicant", "").split())[:40]
    due = get.get("due", "") if get.get("due", "") in selectors.DUE_WINDOWS else ""
    return {"viewable": viewable, "towns": towns, "case_type": case_type, "status_type": status_type,
            "status": status, "status_value": f"{status_type}:{status}" if status else "", "town": town,
            "applicant": applicant, "due": due}


def _list_query(f: dict[str, Any]) -> str:
    """The filters as a query string (for the next page and the export)."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for name, value in (("type", f["case_type"]), ("status", f["status_value"]), ("town", f["town"]),
                        ("applicant", f["applicant"]), ("due", f["due"])):
        if value:
            query[name] = value
    return query.urlencode()


def _filter_args(f: dict[str, Any]) -> dict[str, str]:
    """The list's filters as :func:`selectors.filtered_cases` takes them."""
    return {"case_type": f["case_type"] or f["status_type"], "status": f["status"], "area_code": f["town"],
            "applicant": f["applicant"], "due": f["due"]}


@route_scope(roles=VIEWERS)
def case_list(request: HttpRequest) -> HttpResponse:
    """Cases the user may open, newest first (50 per page, keyset on id: "next" carries ``after``, "previous"
    ``newer``; a cursor that is not an id shows the first page), filtered by type, status, receiving
    town, party (name prefix or whole ID number) and due window; each with its town, status in words, masked
    parties and nearest running deadline. The page runs the same number of queries whatever its length."""
    f = _list_filters(request)
    after, newer = id_cursor(request.GET, "after"), id_cursor(request.GET, "newer")
    page = selectors.case_page(cases_for_user(request.user), after=after, newer=newer, size=selectors.PAGE_SIZE,
                               **_filter_args(f))
    rows = page.rows
    viewable, query = f["viewable"], _list_query(f)
    # the overview of deadlines at risk heads the unfiltered first page; a filtered list answers for itself
    at_risk = [] if query or after or newer else [
        {"clock": c, "days_left": selectors.days_left(c), "days_overdue": -(selectors.days_left(c) or 0)}
        for c in selectors.clocks_at_risk(cases_for_user(request.user), limit=AT_RISK_SHOWN + 1)]
    shown = [t for t in viewable if t.key == f["case_type"]] if f["case_type"] else viewable
    return render(request, "cases/case_list.html", {
        "rows": selectors.case_rows(rows), "filters": f, "query": query,
        "type_choices": [(t.key, str(t.label)) for t in viewable],
        "status_groups": selectors.status_choices(shown), "status_grouped": not f["case_type"],
        "town_choices": [(t.code, t.name) for t in f["towns"]], "due_choices": list(DUE_LABELS.items()),
        "next_after": page.next_cursor, "previous_newer": page.previous_cursor,
        "at_risk": at_risk[:AT_RISK_SHOWN], "at_risk_more": len(at_risk) > AT_RISK_SHOWN,
        "perms_register": any(types.may(request.user, t, "register") or types.may(request.user, t, "change")
                              for t in viewable),
        "today": clock.today(),
        "can_review": any(types.may(request.user, t, "file_review") for t in viewable),
        "export_limit": f"{exports.EXPORT_LIMIT:,}",
    })


@route_scope(roles=VIEWERS)
def case_export(request: HttpRequest) -> HttpResponse:
    """The filtered case list as .xlsx (at most :data:`exports.EXPORT_LIMIT` cases; the workbook says when it was
    cut): number, type, town, dates, status, nearest deadline and the parties' masked names. Audited as an export
    with its filters; never cached."""
    f = _list_filters(request)
    cases = selectors.case_list(cases_for_user(request.user), limit=exports.EXPORT_LIMIT + 1, **_filter_args(f))
    capped = len(cases) > exports.EXPORT_LIMIT
    cases = cases[:exports.EXPORT_LIMIT]
    today = clock.today()
    rows = [row for i in range(0, len(cases), 500) for row in selectors.case_rows(cases[i:i + 500], today)]
    labels = dict(DUE_LABELS)
    town = next((t.name for t in f["towns"] if t.code == f["town"]), "")
    status = str(types.get(f["status_type"]).workflow.statuses[f["status"]]) if f["status"] else ""
    notes = [
        (_("导出日期"), today.isoformat()),
        (_("事项"), str(types.get(f["case_type"]).label) if f["case_type"] else _("全部")),
        (_("状态"), status or _("全部")), (_("受理地"), town or _("全部")),
        (_("当事人"), _("已按当事人筛选") if f["applicant"] else _("全部")),
        (_("期限"), str(labels[f["due"]]) if f["due"] else _("全部")),
        (_("条数"), _("仅导出前 %(n)s 条，请缩小筛选范围后分批导出") % {"n": f"{exports.EXPORT_LIMIT:,}"} if capped
         else str(len(rows))),
        (_("说明"), _("当事人姓名已脱敏；剩余天数为负数表示已超期。")),
    ]
    body = exports.workbook(rows, notes=notes)
    audit.record_export(object_type="cases.case", count=len(rows), fmt="xlsx", filters={
        "type": f["case_type"], "status": f["status_value"], "town": f["town"], "applicant": f["applicant"],
        "due": f["due"], "capped": capped})
    return exports.attachment(body, _("案件清单") + f"_{today:%Y%m%d}.xlsx")


def _parties(request: HttpRequest, case: Case, ctype: types.CaseType) -> tuple[list[dict[str, Any]], list[str] | None]:
    """The parties as the viewer may see them: full names (audited) with a link to the person's record for
    those who handle the case and may open that record; masked for everyone else. One query for the parties and
    whether each lies in the viewer's registry scope. Returns ``(rows, names to mask in the file's texts)`` — the
    names are None for a viewer who handles the case (they read the texts in full)."""
    from django.db.models import Exists, OuterRef

    from jisheng.registry.access import persons_for_user

    handles = any(types.may(request.user, ctype, rel) for rel in ("register", "change", "decide", "legal_review"))
    roles = {p.role: str(p.label) for p in ctype.parties}
    parties = case.applicants.select_related("person")
    if handles:
        parties = parties.annotate(in_scope=Exists(persons_for_user(request.user).filter(pk=OuterRef("person_id"))))
    rows = list(parties)
    if handles and rows:
        audit.record_view(case, what=_("当事人姓名"))
    masked = None if handles else [a.display_name for a in rows]
    return [{"role": roles.get(a.role, a.role), "name": a.display_name if handles else mask_name(a.display_name),
             "url": reverse("registry:person_detail", args=[a.person_id])
             if handles and a.person_id and a.in_scope else "",  # type: ignore[attr-defined]
             "outside": a.person_id is None} for a in rows], masked


def _mask_file_text(names: list[str] | None, case: Case, file: selectors.CaseFile, decision: Any) -> None:
    """For a viewer who does not handle the case (a leader, an auditor): the free texts of the file — the summary,
    the decision's reasons, the steps' opinions, the records and the history — with ID numbers and phones masked and
    the parties' names masked as the party list shows them (a petition's opinion or reply names the petitioner).
    Changes only the in-memory rows the page renders. ``names``: from :func:`_parties` (None: nothing masked)."""
    if names is None:  # the viewer handles the case: full texts (their view of the parties is audited)
        return
    case.summary = mask_text(case.summary, names=names)
    if decision is not None:
        decision.reasons = mask_text(decision.reasons, names=names)
    for step in file.steps:
        step.opinion = mask_text(step.opinion, names=names)
    for record in file.records:
        record.text = mask_text(record.text, names=names)
    for event in file.events:
        event.summary = mask_text(event.summary, names=names)


def _clock_views(file: selectors.CaseFile) -> list[dict[str, Any]]:
    """The clocks of the case file as the case page shows them."""
    today = clock.today()
    out = []
    for c in file.clocks:
        left = selectors.days_left(c, today)
        out.append({"clock": c, "state": selectors.clock_state(c, today), "days_left": left,
                    "days_overdue": -left if left is not None and left < 0 else None,
                    "basis": selectors.provision_words(c.basis), "suspensions": file.suspensions.get(c.pk, []),
                    "extensions": file.extensions.get(c.pk, [])})
    return out


def _decision_form(case: Case, ctype: types.CaseType, data: Any = None) -> DecideForm:
    form = DecideForm(data, outcomes=[(o.key, str(o.label)) for o in ctype.outcomes],
                      initial={"provision_keys": ctype.decision_basis(case)})
    form.fields["on"].widget.attrs["id"] = "decide_on"  # the pick-list follows it (the step form has an "on" too)
    return form


def _basis_choices(case: Case, ctype: types.CaseType, query: str = "", on: dt.date | None = None,
                   checked: list[str] | None = None) -> list[dict[str, Any]]:
    """The decision's pick-list: the rule's proposal (checked) and what the officer already ticked, then — when
    searching — the provisions in force on ``on`` (default today) matching ``query`` (at most 40)."""
    from jisheng.law.provisions import describe, in_force_state, provisions_in_force

    day = on or clock.today()
    proposed = ctype.decision_basis(case)
    keys = list(dict.fromkeys([*proposed, *(checked or [])]))
    if query.strip():
        keys += [p.key for p in provisions_in_force(day, query)[:40] if p.key not in keys]
    return [{"key": k, "text": describe(k), "proposed": k in proposed, "unconfirmed": in_force_state(k, day) is None,
             "in_force": in_force_state(k, day) is not False} for k in keys]


def _records_with_instance_names(records: list[Any], clocks: list[Any]) -> list[Any]:
    """The records, each per-instance one carrying ``instance_name``: the instance as its clock names it (an
    assigned unit's name where the instance is a key such as ``"A12"``), never the key."""
    names = {}
    for c in clocks:
        if c.instance and c.label.endswith("）") and "（" in c.label:
            names[c.instance] = c.label[c.label.index("（") + 1:-1]
    for r in records:
        r.instance_name = names.get(r.instance, r.instance)
    return records


@route_scope(roles=VIEWERS, obj="cases.case")
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The case page: status, parties, clocks with their explanation and days left, materials, documents,
    records, the steps of the full-process record, the decision and the append-only history. The file is read
    once (:func:`selectors.case_file`, one query per table) and the workflow's guards are judged on it, so the page
    runs the same queries whatever the size of the file."""
    case = case_get_for_user(request.user, number)
    ctype = types.get(case.case_type)
    wf = ctype.workflow
    file = selectors.case_file(case)
    actions = selectors.available_actions(case, request.user, file.guard_context())
    decision = file.decision
    documents = file.documents
    decision_doc_number = (decision.doc_number or next(
        (d.doc_number for d in documents if d.kind == "decision" and d.active), "")) if decision else ""
    can_write = types.may(request.user, ctype, "register") or types.may(request.user, ctype, "change")
    terminal = case.status in wf.terminal
    ended = selectors.case_is_decided(case, has_decision=decision is not None)
    decision_rows = [a for a in actions if a["kind"] == "decision"]
    today = clock.today()
    parties, masked_names = _parties(request, case, ctype)
    _mask_file_text(masked_names, case, file, decision)
    return render(request, "cases/case_detail.html", {
        "case": case, "ctype": ctype, "status_label": wf.statuses.get(case.status, case.status),
        "parties": parties, "clocks": _clock_views(file),
        "materials": file.materials,
        "documents": [d for d in documents if d.active], "inactive_documents": [d for d in documents if not d.active],
        "steps": file.steps, "events": file.events,
        "records": _records_with_instance_names(file.records, file.clocks),
        "record_kinds": [] if ctype.steps_in_panel else [
            r for r in ctype.records if types.may(request.user, ctype, r.capability) and r.allowed(ended)],
        "actions": [a for a in actions if a["kind"] == "step"],
        "payload_actions": [a for a in actions if a["kind"] == "payload"],
        "legal_review_due": any(a["kind"] == "legal_review" for a in actions),
        "can_decide": bool(decision_rows) and not ctype.steps_in_panel,
        "decide_blocked": next((a["blocked"] for a in decision_rows if a["blocked"]), None),
        "decide_form": _decision_form(case, ctype),
        "basis_choices": _basis_choices(case, ctype) if decision_rows else [],
        "verdict": ctype.rule_check(case, today) if decision_rows else None,
        "decision": decision, "decision_doc_number": decision_doc_number,
        "decision_basis": [selectors.provision_words(k) for k in (decision.provision_keys if decision else [])],
        "legal_reviews": file.legal_reviews,
        "special_records": list(SPECIAL_RECORDS.items()),
        "special_missing": file.special_records_missing() if case.is_special else [],
        "statuses": wf.statuses, "actions_labels": wf.actions,
        "can_write": can_write, "can_clock": not ctype.steps_in_panel and any(
            types.may(request.user, ctype, r) for r in ("change", "decide")),
        "can_extend": not ctype.steps_in_panel and any(
            types.may(request.user, ctype, r) for r in ("approve_extension", "decide")),
        "can_mark_special": can_write and not ctype.steps_in_panel,
        "terminal": terminal, "can_review": types.may(request.user, ctype, "file_review"),
        "assessment": ctype.assessment(case), "today": today,
    })


@route_scope(roles=VIEWERS, obj="cases.case")
def case_provisions(request: HttpRequest, number: str) -> HttpResponse:
    """The decision's provision pick-list filtered by ``q`` (an htmx fragment; also works as a plain page): the
    provisions in force on the decision form's date ``on`` (a back-dated historical decision), else today."""
    case = case_get_for_user(request.user, number)
    ctype = types.get(case.case_type)
    query = request.GET.get("q", "").replace("\x00", "")[:50]
    checked = [k[:120] for k in request.GET.getlist("provision_keys")[:40]]
    try:
        on: dt.date | None = dt.date.fromisoformat(request.GET.get("on", "")[:10])
    except ValueError:
        on = None
    return render(request, "cases/_basis_choices.html", {
        "basis_choices": _basis_choices(case, ctype, query, on=on, checked=checked), "checked": checked,
        "query": query})


def _in_panel(request: HttpRequest, case: Case) -> HttpResponse:
    """The answer of the engine's generic forms for a type whose panel takes its steps (``steps_in_panel``)."""
    messages.error(request, _("此事项的办理环节请在本页的专门办理栏中操作。"))
    return _back(case)


@route_scope(roles=HANDLERS | WRITERS, obj="cases.case", methods=("POST",))
def case_action(request: HttpRequest, number: str) -> HttpResponse:
    """Take a workflow step (the transition table and the type's capabilities decide whether it is allowed)."""
    case = case_get_for_user(request.user, number)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择要执行的操作，并检查日期。"))
        return _back(case)
    if form.cleaned_data["action"] in types.get(case.case_type).payload_actions:
        messages.error(request, _("此环节需要在专门表单中填写。"))
        return _back(case)
    d = form.cleaned_data
    return _run(request, case, lambda: services.case_transition(
        case, action=d["action"], opinion=d["opinion"], actor=request.user, on=d.get("on"),
        backdate_reason=d.get("backdate_reason") or ""))


@route_scope(roles=DECIDERS, obj="cases.case", methods=("POST",))
def case_decide(request: HttpRequest, number: str) -> HttpResponse:
    """Decide the case: outcome, reasons and provisions chosen from the catalogue in force on the decision date
    (remedies in force that day are added by the service)."""
    case = case_get_for_user(request.user, number)
    if types.get(case.case_type).steps_in_panel:
        return _in_panel(request, case)
    ctype = types.get(case.case_type)
    form = _decision_form(case, ctype, request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写决定结果和理由，并从条款列表中选择法律依据。"))
        return _back(case, "decide-form")
    d = form.cleaned_data
    return _run(request, case, lambda: services.case_decide(
        case, outcome=d["outcome"], reasons=d["reasons"], provision_keys=request.POST.getlist("provision_keys"),
        deviation_reason=d.get("deviation_reason") or "", on=d.get("on"),
        backdate_reason=d.get("backdate_reason") or "", actor=request.user), "decision")


@route_scope(roles=LEGAL_REVIEWERS, obj="cases.case", methods=("GET", "POST"))
def case_legal_review(request: HttpRequest, number: str) -> HttpResponse:
    """The legal review (法制审核) of a major decision: what is to be decided and on what basis, the rule's
    verdict, the file; the reviewer agrees, disagrees or returns it with a written opinion."""
    case = case_get_for_user(request.user, number)
    ctype = types.get(case.case_type)
    form = LegalReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_legal_review(case, outcome=form.cleaned_data["outcome"],
                                       opinion=form.cleaned_data["opinion"], actor=request.user,
                                       on=form.cleaned_data.get("on"),
                                       backdate_reason=form.cleaned_data.get("backdate_reason") or "")
        except DomainError as exc:
            form.add_error(None, for_people(exc))
        else:
            messages.success(request, _("法制审核意见已保存，并生成法制审核意见书。"))
            return _back(case, "legal-reviews")
    waiting = any(a["kind"] == "legal_review" for a in selectors.available_actions(case, request.user))
    return render(request, "cases/legal_review.html", {
        "case": case, "ctype": ctype, "form": form, "waiting": waiting,
        "status_label": ctype.workflow.statuses.get(case.status, case.status),
        "parties": _parties(request, case, ctype)[0], "verdict": ctype.rule_check(case, clock.today()),
        "proposed": [selectors.provision_words(k) for k in ctype.decision_basis(case)],
        "materials": list(case.materials.all()), "steps": selectors.case_steps(case),
        "documents": [d for d in case.documents.order_by("id") if d.active],
        "reviews": list(case.legal_reviews.order_by("id")), "actions_labels": ctype.workflow.actions,
    })


@route_scope(roles=WRITERS, obj="cases.case", methods=("POST",))
def case_upload(request: HttpRequest, number: str) -> HttpResponse:
    """Attach an uploaded material or special-case record, or replace an upload (type and size checked)."""
    case = case_get_for_user(request.user, number)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择文件。"))
        return _back(case, "materials")
    f = form.cleaned_data["file"]
    replaces = None
    if form.cleaned_data.get("replaces"):
        replaces = case.documents.filter(pk=form.cleaned_data["replaces"], origin=DocumentOrigin.UPLOADED).first()
        if replaces is None:
            messages.error(request, _("只能替换本案有效的上传文件"))
            return _back(case, "documents")
    return _run(request, case, lambda: services.case_attach_document(
        case, kind=form.cleaned_data["kind"] or "", name=f.name or "upload", stream=f, size=f.size or 0,
        actor=request.user, replaces=replaces, reason=form.cleaned_data.get("reason") or ""), "documents")


@route_scope(roles=WRITERS, obj="cases.case", methods=("POST",))
def case_withdraw_document(request: HttpRequest, number: str) -> HttpResponse:
    """Withdraw an upload (it stays in the file, inactive, with the reason)."""
    case = case_get_for_user(request.user, number)
    form = WithdrawForm(request.POST)
    document: CaseDocument | None = None
    if form.is_valid():
        document = case.documents.filter(pk=form.cleaned_data["document"]).first()
    if document is None:
        messages.error(request, _("请选择要撤回的文件并写明理由。"))
        return _back(case, "documents")
    return _run(request, case, lambda: services.case_withdraw_document(
        case, document=document, reason=form.cleaned_data["reason"], actor=request.user), "documents")


@route_scope(roles=HANDLERS, obj="cases.case", methods=("POST",))
def case_record(request: HttpRequest, number: str) -> HttpResponse:
    """File a record of the type (e.g. the publication of a grant) with its date."""
    case = case_get_for_user(request.user, number)
    if types.get(case.case_type).steps_in_panel:
        return _in_panel(request, case)
    form = RecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写记录的类别、日期和内容。"))
        return _back(case, "records")
    d = form.cleaned_data
    return _run(request, case, lambda: services.case_add_record(
        case, kind=d["kind"], on=d.get("on"), text=d.get("text") or "", instance=d.get("instance") or "",
        backdate_reason=d.get("backdate_reason") or "", actor=request.user), "records")


@route_scope(roles=types.roles_that_may("change"), obj="cases.case", methods=("POST",))
def case_special(request: HttpRequest, number: str) -> HttpResponse:
    """Mark the case special (three records and legal review needed before the decision)."""
    case = case_get_for_user(request.user, number)
    if types.get(case.case_type).steps_in_panel:
        return _in_panel(request, case)
    form = SpecialForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请写明特殊案件的事由。"))
        return _back(case)
    return _run(request, case, lambda: services.case_mark_special(
        case, reason=form.cleaned_data["reason"], actor=request.user))


@route_scope(roles=CLOCK_KEEPERS, obj="cases.case", methods=("POST",))
def case_clock(request: HttpRequest, number: str) -> HttpResponse:
    """Suspend, resume or extend a statutory clock of the case (the service checks who may)."""
    case = case_get_for_user(request.user, number)
    if types.get(case.case_type).steps_in_panel:
        return _in_panel(request, case)
    form = ClockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("期限操作的参数不完整。"))
        return _back(case, "clocks")
    d = form.cleaned_data
    instance = d.get("instance") or ""
    if d["op"] == "suspend":
        return _run(request, case, lambda: services.case_suspend_clock(
            case, kind=d["kind"], start=d["day"], reason=d["reason"] or "", actor=request.user,
            instance=instance), "clocks")
    if d["op"] == "resume":
        return _run(request, case, lambda: services.case_resume_clock(
            case, kind=d["kind"], end=d["day"], actor=request.user, instance=instance), "clocks")
    return _run(request, case, lambda: services.case_extend_clock(
        case, kind=d["kind"], days=d["days"] or 0, reason=d["reason"] or "", actor=request.user,
        instance=instance, on=d.get("day"), backdate_reason=d.get("backdate_reason") or ""), "clocks")


@route_scope(roles=VIEWERS, obj="cases.document")
def case_document(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """Download one document of the case file (the download is audited: it holds personal data)."""
    doc = case_document_get_for_user(request.user, number, pk)
    audit.record_view(doc, what=_("案卷文书：%(t)s") % {"t": doc.title})
    doc.file.open("rb")
    return FileResponse(doc.file, content_type=doc.content_type, as_attachment=False,
                        filename=doc.file.name.rsplit("/", 1)[-1])


@route_scope(roles=types.roles_that_may("file_review"), obj="cases.case")
def case_review(request: HttpRequest, number: str) -> HttpResponse:
    """Case-file review (案卷评查): every checklist item of the case's type with its outcome and evidence."""
    from .review import score_case

    case = case_get_for_user(request.user, number)
    ctype = types.get(case.case_type)
    if not types.may(request.user, ctype, "file_review"):
        from django.http import Http404

        raise Http404
    return render(request, "cases/case_review.html", {"case": case, "result": score_case(case), "ctype": ctype})


@route_scope(roles=VIEWERS)
def review_report(request: HttpRequest) -> HttpResponse:
    """Towns ranked by the average case-file review score of their decided files, for a type the user may
    open (read-only figures: leaders, administrators and auditors see them too)."""
    from .review import town_ranking

    viewable = [t for t in types.viewable_types(request.user) if t.checklist]
    keys = [t.key for t in viewable]
    case_type = request.GET.get("type", "").replace("\x00", "")
    if case_type not in keys:
        case_type = keys[0] if keys else ""
    qs = cases_for_user(request.user).filter(case_type=case_type)
    return render(request, "cases/review_report.html", {
        "rows": town_ranking(qs) if case_type else [], "case_type": case_type,
        "type_choices": [(t.key, str(t.label)) for t in viewable]})
