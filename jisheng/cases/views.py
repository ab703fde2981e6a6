"""Staff case pages: the list, the case page (status, steps, clocks, materials, documents, history)
and the POST endpoints that call the services. Every case is fetched through :mod:`.access`."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from jisheng.accounts.roles import roles_with
from jisheng.core import audit, clock
from jisheng.core.access import require, route_scope
from jisheng.core.errors import DomainError
from jisheng.core.masking import mask_name

from . import selectors, services, types
from .access import case_document_get_for_user, case_get_for_user, cases_for_user
from .forms import ActionForm, ClockForm, DecideForm, SpecialForm, UploadForm
from .models import Case
from .types import SPECIAL_RECORDS

VIEWERS = roles_with("cases.view")
WRITERS = roles_with("cases.change") | roles_with("cases.register")
#: Workflow actions that decide the case: taken only through :func:`case_decide` (reasons, basis, remedies).
DECISION_ACTIONS = frozenset({"grant", "refuse"})


def _can(request: HttpRequest, capability: str) -> bool:
    return bool(getattr(request.user, "has_capability", lambda c: False)(capability))


def _back(case: Case) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("cases:detail", args=[case.number]))


@route_scope(roles=VIEWERS)
def case_list(request: HttpRequest) -> HttpResponse:
    """Cases in the user's area, newest first, filtered by type and status (50 per page)."""
    case_type = request.GET.get("type", "").replace("\x00", "")
    status = request.GET.get("status", "").replace("\x00", "")
    try:
        after = int(request.GET.get("after", "") or 0) or None
    except ValueError:
        after = None
    rows = selectors.case_list(cases_for_user(request.user), case_type=case_type, status=status, after_id=after)
    items = []
    for c in rows:
        try:
            wf = types.get(c.case_type).workflow
            label, status_label = types.get(c.case_type).label, wf.statuses.get(c.status, c.status)
        except KeyError:
            label, status_label = c.case_type, c.status
        items.append({"case": c, "type_label": label, "status_label": status_label})
    return render(request, "cases/case_list.html", {
        "items": items, "type_choices": types.choices(), "case_type": case_type, "status": status,
        "next_after": rows[-1].id if len(rows) == selectors.PAGE_SIZE else None,
        "at_risk": selectors.clocks_at_risk(cases_for_user(request.user)),
        "perms_register": _can(request, "cases.change") or _can(request, "cases.register"), "today": clock.today(),
        "can_review": _can(request, "cases.file_review"),
    })


@route_scope(roles=VIEWERS, obj="cases.case")
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The case page: status, parties (masked), clocks with their explanation, materials, documents,
    the steps of the full-process record, the decision and the append-only history."""
    case = case_get_for_user(request.user, number)
    ctype = types.get(case.case_type)
    wf = ctype.workflow
    applicants = [{"role": a.get_role_display(), "name": mask_name(a.person.name)}
                  for a in case.applicants.select_related("person")]
    clocks = [{"clock": c, "state": selectors.clock_state(c), "suspensions": list(c.suspensions.all())}
              for c in case.clocks.all()]
    actions = selectors.available_actions(case, request.user)
    decision = getattr(case, "decision", None)
    documents = list(case.documents.order_by("id"))
    # the decision letter's number is given when the letter is generated, after the decision record
    decision_doc_number = (decision.doc_number or next(
        (d.doc_number for d in documents if d.kind == "decision"), "")) if decision else ""
    return render(request, "cases/case_detail.html", {
        "case": case, "ctype": ctype, "status_label": wf.statuses.get(case.status, case.status),
        "applicants": applicants, "clocks": clocks, "materials": list(case.materials.all()),
        "documents": documents, "steps": selectors.case_steps(case),
        "events": selectors.case_history(case),
        "actions": [a for a in actions if a["action"] not in (*DECISION_ACTIONS, *ctype.payload_actions)],
        "payload_actions": [a for a in actions if a["action"] in ctype.payload_actions],
        "can_decide": any(a["action"] in DECISION_ACTIONS for a in actions),
        "decide_blocked": next((a["blocked"] for a in actions if a["action"] == "grant" and a["blocked"]), None),
        "decide_form": DecideForm(initial={"provision_keys": ", ".join(ctype.decision_basis(case))}),
        "decision": decision, "decision_doc_number": decision_doc_number,
        "special_records": list(SPECIAL_RECORDS.items()),
        "special_missing": selectors.special_records_missing(case) if case.is_special else [],
        "statuses": wf.statuses, "actions_labels": wf.actions,
        "can_write": _can(request, "cases.change") or _can(request, "cases.register"),
        "terminal": case.status in wf.terminal, "can_review": _can(request, "cases.file_review"),
        "assessment": ctype.assessment(case),
    })


def _run(request: HttpRequest, case: Case, fn: object) -> HttpResponseRedirect:
    try:
        fn()  # type: ignore[operator]
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已保存。"))
    return _back(case)


@route_scope(roles=VIEWERS, obj="cases.case", methods=("POST",))
def case_action(request: HttpRequest, number: str) -> HttpResponse:
    """Take a workflow action (the transition table decides whether it is allowed)."""
    case = case_get_for_user(request.user, number)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择要执行的操作。"))
        return _back(case)
    if form.cleaned_data["action"] in types.get(case.case_type).payload_actions:
        messages.error(request, _("此环节需要在专门表单中填写。"))
        return _back(case)
    if form.cleaned_data["action"] in DECISION_ACTIONS:
        # a decision needs its reasons, legal basis and remedies (行政许可法 Art. 38): only through case_decide
        messages.error(request, _("作出决定须使用决定表单，写明理由和法律依据。"))
        return _back(case)
    return _run(request, case, lambda: services.case_transition(
        case, action=form.cleaned_data["action"], opinion=form.cleaned_data["opinion"], actor=request.user))


@route_scope(roles=roles_with("cases.decide"), obj="cases.case", methods=("POST",))
def case_decide(request: HttpRequest, number: str) -> HttpResponse:
    """Decide the case: outcome, reasons and provision keys (remedies from the law in force today)."""
    case = case_get_for_user(request.user, number)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写决定和理由。"))
        return _back(case)
    return _run(request, case, lambda: services.case_decide(
        case, outcome=form.cleaned_data["outcome"], reasons=form.cleaned_data["reasons"],
        provision_keys=form.keys(), actor=request.user))


@route_scope(roles=WRITERS, obj="cases.case", methods=("POST",))
def case_upload(request: HttpRequest, number: str) -> HttpResponse:
    """Attach an uploaded material or special-case record (type and size checked by content)."""
    case = case_get_for_user(request.user, number)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择文件。"))
        return _back(case)
    f = form.cleaned_data["file"]
    return _run(request, case, lambda: services.case_attach_document(
        case, kind=form.cleaned_data["kind"], name=f.name or "upload", stream=f, size=f.size or 0,
        actor=request.user))


@route_scope(roles=roles_with("cases.change"), obj="cases.case", methods=("POST",))
def case_special(request: HttpRequest, number: str) -> HttpResponse:
    """Mark the case special (three records and legal review needed before the decision)."""
    case = case_get_for_user(request.user, number)
    form = SpecialForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请写明特殊案件的事由。"))
        return _back(case)
    return _run(request, case, lambda: services.case_mark_special(
        case, reason=form.cleaned_data["reason"], actor=request.user))


@route_scope(roles=roles_with("cases.change") | roles_with("cases.decide") | roles_with("cases.approve_extension"),
             obj="cases.case", methods=("POST",))
def case_clock(request: HttpRequest, number: str) -> HttpResponse:
    """Suspend, resume or extend (once) a statutory clock of the case."""
    case = case_get_for_user(request.user, number)
    form = ClockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("期限操作的参数不完整。"))
        return _back(case)
    d = form.cleaned_data
    if d["op"] == "suspend":
        return _run(request, case, lambda: services.case_suspend_clock(
            case, kind=d["kind"], start=d["day"], reason=d["reason"] or "", actor=request.user))
    if d["op"] == "resume":
        return _run(request, case, lambda: services.case_resume_clock(
            case, kind=d["kind"], end=d["day"], actor=request.user))
    return _run(request, case, lambda: services.case_extend_clock(
        case, kind=d["kind"], days=d["days"] or 0, reason=d["reason"] or "", actor=request.user))


@route_scope(roles=VIEWERS, obj="cases.document")
def case_document(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """Download one document of the case file (the download is audited: it holds personal data)."""
    doc = case_document_get_for_user(request.user, number, pk)
    require(_can(request, "cases.view"))
    audit.record_view(doc, what=_("案卷文书：%(t)s") % {"t": doc.title})
    doc.file.open("rb")
    return FileResponse(doc.file, content_type=doc.content_type, as_attachment=False,
                        filename=doc.file.name.rsplit("/", 1)[-1])


@route_scope(roles=roles_with("cases.file_review"), obj="cases.case")
def case_review(request: HttpRequest, number: str) -> HttpResponse:
    """Case-file review (案卷评查): every checklist item with its outcome, deduction and evidence."""
    from .review import score_case

    case = case_get_for_user(request.user, number)
    return render(request, "cases/case_review.html", {"case": case, "result": score_case(case),
                                                      "ctype": types.get(case.case_type)})


@route_scope(roles=roles_with("cases.file_review"))
def review_report(request: HttpRequest) -> HttpResponse:
    """Towns ranked by the average case-file review score of their decided files."""
    from .review import town_ranking

    case_type = request.GET.get("type", "birth_approval").replace("\x00", "")
    qs = cases_for_user(request.user).filter(case_type=case_type)
    return render(request, "cases/review_report.html", {"rows": town_ranking(qs), "case_type": case_type,
                                                        "type_choices": types.choices()})
