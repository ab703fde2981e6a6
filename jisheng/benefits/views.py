"""Benefits pages: programmes, enrolments with reviews/postings/verifications/changes, payment rolls with
progress, bank files and returns, the printable posting and recipient lists, reports. Views are thin:
they fetch through access.py, call services and render; personal data shown is masked except on the
enrolment page (audited view)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jisheng.accounts.roles import roles_with
from jisheng.core import audit, clock
from jisheng.core.access import require, route_scope
from jisheng.core.errors import DomainError, for_people
from jisheng.core.masking import mask_bank_account, mask_id_number, mask_name
from jisheng.core.models import Area
from jisheng.core.pagination import id_cursor, id_desc_page
from jisheng.registry.access import persons_for_user

from . import bankfiles, programmes, rules, selectors, services, workflows
from .access import (
    enrolment_get_for_user,
    enrolments_for_user,
    posting_get_for_user,
    postings_for_user,
    roll_get_for_user,
    rolls_for_user,
)
from .enums import EnrolmentStatus, LineStatus, ReviewLevel, RollStatus
from .forms import ApplyForm, ChangeForm, PostingForm, ReportForm, ReturnsForm, ReviewForm, RollForm, VerificationForm
from .models import Enrolment, ExportBatch, RollLine

VIEW = roles_with("benefits.view")
CHANGE = roles_with("benefits.change")
ROLLS = roles_with("benefits.prepare_roll") | roles_with("benefits.approve_roll")


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "") or "export"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return response


def _lookup_rates(prog: programmes.Programme, on: dt.date) -> list[rules.Rate]:
    from .payroll import default_lookup

    try:
        return rules.rate_table(prog, on=on, lookup=default_lookup())
    except DomainError:
        return []


HUKOU_LABELS = {"urban": gettext_lazy("城镇"), "rural": gettext_lazy("农村")}


def _group_label(prog: programmes.Programme, category: str, hukou: str) -> str:
    parts = [prog.category_name(category)] if category else []
    return " · ".join([*parts, str(HUKOU_LABELS.get(hukou, hukou))])


@route_scope(roles=VIEW)
def home(request: HttpRequest) -> HttpResponse:
    """Programmes with their legal basis and this month's rates; links to enrolments, postings, rolls."""
    today = clock.today()
    cards = [{"programme": p, "rates": [(_group_label(p, r.category, r.hukou), r)
                                        for r in _lookup_rates(p, rules.month_start(today))]}
             for p in programmes.all_programmes().values()]
    return render(request, "benefits/home.html", {"cards": cards, "today": today})


@route_scope(roles=VIEW)
def programme_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One programme: provisions (verified or not), rule versions and the rates by month of this year."""
    try:
        prog = programmes.get(key)
    except DomainError:
        from django.http import Http404

        raise Http404 from None
    today = clock.today()
    months = [dt.date(today.year, m, 1) for m in range(1, 13)]
    from jisheng.law.provisions import describe

    return render(request, "benefits/programme_detail.html", {
        "programme": prog,
        "provisions": [{"key": p.key, "words": describe(p.key) if p.key else "", "title": p.title, "source": p.source,
                        "verified": p.verified} for p in prog.provisions],
        "rates": [(m, [(_group_label(prog, r.category, r.hukou), r) for r in _lookup_rates(prog, m)]) for m in months],
    })


@route_scope(roles=VIEW)
def enrolment_list(request: HttpRequest) -> HttpResponse:
    """Enrolments in the user's area (newest first, 50 a page by keyset: "next" carries ``before``, "previous"
    ``newer``; a cursor that is not an id shows the first page), filtered by programme and status."""
    programme, status = request.GET.get("programme", ""), request.GET.get("status", "")
    page = selectors.enrolment_list(request.user, programme=programme, status=status,
                                    before_id=id_cursor(request.GET, "before"),
                                    newer_id=id_cursor(request.GET, "newer"))
    items = page.rows
    return render(request, "benefits/enrolment_list.html", {
        "items": items, "programme": programme, "status": status, "programmes": programmes.choices(),
        "statuses": EnrolmentStatus.choices,
        "can_change": request.user.has_capability("benefits.change"),  # type: ignore[union-attr]
        "next_before": page.next_cursor, "previous_newer": page.previous_cursor,
    })


@route_scope(roles=CHANGE, methods=("GET", "POST"))
def enrolment_new(request: HttpRequest) -> HttpResponseBase:
    """Record an application entered by staff (applications from licensing call the service directly)."""
    form = ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from jisheng.core.idnumber import normalise_id_number

        person = persons_for_user(request.user).filter(
            id_number=normalise_id_number(form.cleaned_data["id_number"])).first()
        if person is None:
            form.add_error("id_number", _("本辖区人口信息中没有此身份证号"))
        else:
            try:
                enrolment = services.enrolment_apply(
                    person=person, programme=form.cleaned_data["programme"],
                    application_date=form.cleaned_data["application_date"], facts=form.facts(),
                    granted_amount=form.cleaned_data["granted_amount"], actor=request.user)
                services.enrolment_determine(enrolment, actor=request.user)
            except DomainError as exc:
                form.add_error(None, for_people(exc))
            else:
                return redirect("benefits:enrolment_detail", pk=enrolment.pk)
    return render(request, "benefits/enrolment_new.html", {"form": form})


@route_scope(roles=VIEW, obj="benefits.enrolment")
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One enrolment: determination with provisions, reviews and postings, verifications, changes, payments."""
    from jisheng.law.provisions import describe

    enrolment = enrolment_get_for_user(request.user, pk)
    audit.record_view(enrolment, what=_("享受对象详情"))
    lines = list(RollLine.objects.filter(person_id=enrolment.person_id, programme=enrolment.programme)
                 .select_related("roll").order_by("-month", "kind")[:36])
    can_change = request.user.has_capability("benefits.change")  # type: ignore[union-attr]
    return render(request, "benefits/enrolment_detail.html", {
        "e": enrolment, "person": enrolment.person, "hukou_label": HUKOU_LABELS.get(enrolment.hukou_type, ""),
        "masked_id": mask_id_number(enrolment.person.id_number),
        "masked_account": mask_bank_account(enrolment.bank_account),
        "reviews": enrolment.reviews.select_related("posting").all(), "verifications": enrolment.verifications.all(),
        "changes": enrolment.changes.all(), "lines": lines, "can_change": can_change,
        "notices": list(enrolment.registry_notices.select_related("handled_by")),
        "open_notices": enrolment.registry_notices.filter(handled_at__isnull=True).exists(),
        "postings": enrolment.posting_entries.select_related("posting").all(),
        "review_form": ReviewForm(), "change_form": ChangeForm(),
        "verification_form": VerificationForm(initial={"done_on": clock.today()}),
        "under_review": enrolment.status in services.LEVEL_OF_STATUS, "actions": workflows.enrolment_actions(
            enrolment.status), "programme": enrolment.programme_def,
        "provision_words": [describe(k) for k in (enrolment.determination or {}).get("provisions", []) if k],
    })


@require_POST
@route_scope(roles=CHANGE, obj="benefits.enrolment", methods=("POST",))
def enrolment_action(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Determine, review, record a change or complete a verification (``action`` in the form)."""
    enrolment = enrolment_get_for_user(request.user, pk)
    action = request.POST.get("action", "")
    try:
        if action == "determine":
            result = services.enrolment_determine(enrolment, actor=request.user)
            messages.info(request, _("资格认定：%(r)s") % {"r": {True: _("符合"), False: _("不符合"),
                                                               None: _("缺少事实")}[result.eligible]})
        elif action == "review":
            form = ReviewForm(request.POST)
            if form.is_valid():
                services.enrolment_review(enrolment, opinion=form.cleaned_data["opinion"],
                                          note=form.cleaned_data["note"], actor=request.user)
                messages.success(request, _("已记录审核意见"))
            else:
                messages.error(request, _("请填写审核意见"))
        elif action == "change":
            change = ChangeForm(request.POST)
            if change.is_valid():
                details: dict[str, Any] = {}
                if change.cleaned_data["area_code"]:
                    area = Area.objects.filter(code=change.cleaned_data["area_code"],
                                               path__startswith=request.user.area.path).first()  # type: ignore[union-attr]
                    details["area_id"] = area.pk if area else None
                if change.cleaned_data["bank_account"]:
                    details.update(bank_name=change.cleaned_data["bank_name"],
                                   bank_account=change.cleaned_data["bank_account"])
                services.enrolment_change(enrolment, kind=change.cleaned_data["kind"],
                                          event_date=change.cleaned_data["event_date"], details=details,
                                          actor=request.user)
                messages.success(request, _("已记录变更"))
            else:
                messages.error(request, _("请填写变更事项和日期"))
        elif action == "notice_ack":
            for notice in enrolment.registry_notices.filter(handled_at__isnull=True):
                services.registry_notice_handle(notice, actor=request.user)
            messages.success(request, _("已核对人口信息变动"))
        elif action == "verify":
            verify = VerificationForm(request.POST)
            verification = enrolment.verifications.filter(done_on__isnull=True).order_by("year").first()
            if verify.is_valid() and verification is not None:
                services.verification_complete(verification, result=verify.cleaned_data["result"],
                                               done_on=verify.cleaned_data["done_on"],
                                               note=verify.cleaned_data["note"], actor=request.user)
                messages.success(request, _("已完成年审"))
            else:
                messages.error(request, _("没有待办的年审，或表单不完整"))
        else:
            messages.error(request, _("未知操作"))
    except DomainError as exc:
        messages.error(request, for_people(exc))
    return redirect("benefits:enrolment_detail", pk=enrolment.pk)


@route_scope(roles=VIEW, methods=("GET", "POST"))
def posting_list(request: HttpRequest) -> HttpResponseBase:
    """Postings in scope, newest first (:data:`selectors.PAGE_SIZE` a page by keyset on the id: "next" carries
    ``before``, "previous" ``newer``; a cursor that is not an id shows the first page); staff open a new posting of
    one level for all enrolments awaiting it in an area."""
    form = PostingForm(request.POST or None, initial={"start_date": clock.today()})
    if request.method == "POST":
        require(request.user.has_capability("benefits.change"))  # type: ignore[union-attr]
        if form.is_valid():
            area = Area.objects.filter(code=form.cleaned_data["area_code"]).first()
            level = form.cleaned_data["level"]
            status = {v: k for k, v in services.LEVEL_OF_STATUS.items()}[ReviewLevel(level)]
            if area is None or request.user.area is None or not request.user.area.contains(area):  # type: ignore[union-attr]
                form.add_error("area_code", _("区划不在本人管辖范围内"))
            else:
                waiting = list(enrolments_for_user(request.user).filter(
                    programme=form.cleaned_data["programme"], status=status, area__path__startswith=area.path)
                    .exclude(posting_entries__posting__level=level).select_related("person", "area"))
                try:
                    posting = services.posting_open(programme=form.cleaned_data["programme"], level=level, area=area,
                                                    enrolments=waiting, start_date=form.cleaned_data["start_date"],
                                                    actor=request.user)
                except DomainError as exc:
                    form.add_error(None, for_people(exc))
                else:
                    return redirect("benefits:posting_detail", pk=posting.pk)
    page = id_desc_page(postings_for_user(request.user).select_related("area"), after=id_cursor(request.GET, "before"),
                        newer=id_cursor(request.GET, "newer"), size=selectors.PAGE_SIZE)
    return render(request, "benefits/posting_list.html", {
        "postings": page.rows, "form": form, "next_before": page.next_cursor, "previous_newer": page.previous_cursor})


@route_scope(roles=VIEW, obj="benefits.posting")
def posting_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The printable notice (公示): masked names, area, amount, period."""
    posting = posting_get_for_user(request.user, pk)
    return render(request, "benefits/posting_detail.html", {
        "posting": posting, "entries": posting.entries.all(),
        "programme": programmes.all_programmes().get(posting.programme),
        "can_change": request.user.has_capability("benefits.change"),  # type: ignore[union-attr]
    })


@require_POST
@route_scope(roles=CHANGE, obj="benefits.posting", methods=("POST",))
def posting_close(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Close a posting after its period, recording objections."""
    posting = posting_get_for_user(request.user, pk)
    try:
        services.posting_close(posting, objections=request.POST.get("objections", ""), actor=request.user)
        messages.success(request, _("公示已结束"))
    except DomainError as exc:
        messages.error(request, for_people(exc))
    return redirect("benefits:posting_detail", pk=posting.pk)


@route_scope(roles=VIEW, methods=("GET", "POST"))
def roll_list(request: HttpRequest) -> HttpResponseBase:
    """Payment rolls in scope, newest first (:data:`selectors.PAGE_SIZE` a page by keyset on the id: "next"
    carries ``before``, "previous" ``newer``; a cursor that is not an id shows the first page); a finance officer
    opens and generates a roll (background job)."""
    form = RollForm(request.POST or None, initial={"month": rules.month_start(clock.today())})
    if request.method == "POST":
        require(request.user.has_capability("benefits.prepare_roll"))  # type: ignore[union-attr]
        if form.is_valid():
            try:
                month = form.cleaned_data["month"]
                area = request.user.area  # type: ignore[union-attr]
                if area is None:
                    raise DomainError(_("账号没有管辖区域"))
                roll = services.roll_open(programme=form.cleaned_data["programme"], month=month, area=area,
                                          actor=request.user)
                _enqueue_generation(roll.pk, request.user.pk)
            except DomainError as exc:
                form.add_error(None, for_people(exc))
            else:
                return redirect("benefits:roll_detail", pk=roll.pk)
    page = id_desc_page(rolls_for_user(request.user).select_related("area"), after=id_cursor(request.GET, "before"),
                        newer=id_cursor(request.GET, "newer"), size=selectors.PAGE_SIZE)
    return render(request, "benefits/roll_list.html", {
        "rolls": page.rows, "form": form, "next_before": page.next_cursor, "previous_newer": page.previous_cursor,
        "can_prepare": request.user.has_capability("benefits.prepare_roll"),  # type: ignore[union-attr]
    })


def _enqueue_generation(roll_id: int, actor_id: int | None) -> None:
    from .tasks import generate_roll

    transaction.on_commit(lambda: generate_roll.enqueue(roll_id, actor_id))


#: Lines of a roll shown a page (newest first).
ROLL_LINES_PAGE = 50


@route_scope(roles=VIEW, obj="benefits.roll")
def roll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A roll: status and progress, totals and rates, actions for the maker and the checker, bank batches,
    reconciliation and a page of lines (names masked; :data:`ROLL_LINES_PAGE` a page by keyset on the line id)."""
    roll = roll_get_for_user(request.user, pk)
    page = id_desc_page(roll.lines.all(), after=id_cursor(request.GET, "before"), newer=id_cursor(request.GET, "newer"),
                        size=ROLL_LINES_PAGE)
    lines = page.rows
    prog = programmes.get(roll.programme)
    user: Any = request.user
    left = selectors.left_out(roll)
    return render(request, "benefits/roll_detail.html", {
        "left_out": [(e, mask_name(e.person.name), reason) for e, reason in left.rows], "left_out_summary": left,
        "returns_format": bankfiles.returns_format(),
        "pending_retry": roll.retry_requests.filter(status="pending").first(),
        "roll": roll, "run": selectors.latest_run(roll), "recon": selectors.reconciliation(roll),
        "lines": [(ln, mask_name(ln.account_name), mask_bank_account(ln.bank_account),
                   _group_label(prog, ln.category, ln.hukou_type)) for ln in lines],
        "rates": [(_group_label(prog, *group.split("/", 1)), r) for group, r in roll.rates.items()],
        "next_before": page.next_cursor, "previous_newer": page.previous_cursor,
        "layouts": bankfiles.layouts().values(), "returns_form": ReturnsForm(),
        "can_prepare": user.has_capability("benefits.prepare_roll"),
        "can_approve": user.has_capability("benefits.approve_roll") and roll.prepared_by_id not in (None, user.pk),
        "frozen": roll.status not in (RollStatus.DRAFT, RollStatus.GENERATED),
        "failed": roll.lines.filter(status=LineStatus.FAILED).exists(),
    })


@route_scope(roles=VIEW, obj="benefits.roll")
def roll_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar fragment (htmx polls it every second while a run is going)."""
    roll = roll_get_for_user(request.user, pk)
    return render(request, "benefits/_progress.html", {"roll": roll, "run": selectors.latest_run(roll)})


@require_POST
@route_scope(roles=ROLLS, obj="benefits.roll", methods=("POST",))
def roll_action(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Maker/checker actions: generate (again), return, approve, export, import returns, retry, close."""
    roll = roll_get_for_user(request.user, pk)
    action = request.POST.get("action", "")
    try:
        if action == "generate":
            _enqueue_generation(roll.pk, request.user.pk)
            messages.info(request, _("已开始生成花名册"))
        elif action == "return":
            services.roll_return(roll, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("已退回制表人"))
        elif action == "approve":
            services.roll_approve(roll, actor=request.user)
            messages.success(request, _("花名册已审核"))
        elif action == "export":
            layout = bankfiles.layout_for(key=request.POST.get("layout") or "xlsx-standard")
            batch = services.roll_export(roll, layout=layout, actor=request.user)
            if batch.line_count <= services.BACKGROUND_EXPORT_LINES:  # in the layout asked for, whatever the first was
                return redirect(f"{reverse('benefits:roll_download', args=[roll.pk, batch.number])}"
                                f"?layout={quote(layout.key)}")
            from .tasks import write_bank_file

            batch_id, actor_id = batch.pk, request.user.pk
            transaction.on_commit(lambda: write_bank_file.enqueue(batch_id, layout.key, actor_id))
            messages.info(request, _("银行文件较大，正在后台生成，完成后可在“银行文件”中下载"))
        elif action == "returns":
            form = ReturnsForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                before = roll.return_imports.count()
                record = services.roll_import_returns(roll, content=upload.read(), filename=upload.name,
                                                      actor=request.user)
                if roll.return_imports.count() == before:
                    messages.info(request, _("该回盘文件已于 %(at)s 导入（%(name)s），本次未作任何更改")
                                  % {"at": f"{clock.local(record.imported_at):%Y-%m-%d %H:%M}",
                                     "name": record.filename})
                else:
                    messages.success(request, _("回盘导入：到账 %(p)s，失败 %(f)s，无变化 %(u)s")
                                     % {"p": record.paid, "f": record.failed, "u": record.unchanged})
            else:
                messages.error(request, _("请选择回盘文件"))
        elif action == "retry":
            return redirect("benefits:roll_retry", pk=roll.pk)
        elif action == "close":
            services.roll_close(roll, actor=request.user)
            messages.success(request, _("已对账完毕"))
        else:
            messages.error(request, _("未知操作"))
    except DomainError as exc:
        messages.error(request, for_people(exc))
    return redirect("benefits:roll_detail", pk=roll.pk)


@route_scope(roles=ROLLS, obj="benefits.roll", methods=("GET", "POST"))
def roll_retry(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Send failed payments again (失败明细重新发送): the maker gives a corrected account for each failed line (or
    the reason the same account is tried again); another finance officer approves or refuses on this page."""
    roll = roll_get_for_user(request.user, pk)
    user: Any = request.user
    pending = roll.retry_requests.filter(status="pending").select_related("requested_by").first()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "request":
                require(user.has_capability("benefits.prepare_roll"))
                ids = roll.lines.filter(status=LineStatus.FAILED).values_list("pk", flat=True)
                corrections = {pk: {"bank_name": request.POST.get(f"bank_name_{pk}", ""),
                                    "bank_account": request.POST.get(f"account_{pk}", ""),
                                    "reason": request.POST.get(f"reason_{pk}", "")} for pk in ids}
                services.roll_retry_request(roll, corrections=corrections, actor=user)
                messages.success(request, _("已提交重新发送申请，等待另一名财务人员审核"))
            elif action in ("approve", "reject") and pending is not None:
                services.roll_retry_decide(pending, approve=action == "approve", actor=user,
                                           note=request.POST.get("note", ""))
                messages.success(request, _("已同意重新发送，失败明细已列入新的银行文件") if action == "approve"
                                 else _("已退回重新发送申请"))
                return redirect("benefits:roll_detail", pk=roll.pk)
            else:
                messages.error(request, _("未知操作"))
        except DomainError as exc:
            messages.error(request, for_people(exc))
        return redirect("benefits:roll_retry", pk=roll.pk)
    failed = list(roll.lines.filter(status=LineStatus.FAILED).select_related("enrolment").order_by("id"))
    items = {i["line"]: i for i in (pending.items if pending else [])}
    rows = [{"line": ln, "name": mask_name(ln.account_name), "account": mask_bank_account(ln.bank_account),
             "current": mask_bank_account(ln.enrolment.bank_account)
             if ln.enrolment.bank_account != ln.bank_account else "",
             "item": items.get(ln.pk), "new": mask_bank_account(items[ln.pk]["bank_account"])
             if ln.pk in items and items[ln.pk]["bank_account"] else ""} for ln in failed]
    return render(request, "benefits/roll_retry.html", {
        "roll": roll, "rows": rows, "pending": pending,
        "history": roll.retry_requests.exclude(status="pending").select_related("requested_by", "decided_by")[:20],
        "can_request": user.has_capability("benefits.prepare_roll") and pending is None and bool(failed),
        "can_decide": pending is not None and user.has_capability("benefits.approve_roll")
        and pending.requested_by_id != user.pk,
    })


@route_scope(roles=ROLLS, obj="benefits.roll_batch")
def roll_download(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    """Download bank batch ``number`` of the roll in its layout (or ``?layout=``); audited as an export."""
    roll = roll_get_for_user(request.user, pk)
    batch = ExportBatch.objects.filter(roll=roll, number=number).first()
    if batch is None:
        from django.http import Http404

        raise Http404
    try:
        layout = bankfiles.layout_for(key=request.GET.get("layout") or batch.layout)
    except DomainError:
        layout = bankfiles.layout_for(key=batch.layout)
    types = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv", "fixed": "text/plain"}
    filename = f"代发-{roll.programme_name}-{roll.month:%Y%m}-{number}.{layout.extension}"
    path = services.batch_file_path(batch, layout)
    if path.exists():
        response: HttpResponseBase = FileResponse(path.open("rb"), content_type=types[layout.format])
    elif batch.line_count <= services.BACKGROUND_EXPORT_LINES:
        response = HttpResponse(services.render_batch(batch, layout=layout), content_type=types[layout.format])
    else:
        messages.info(request, _("银行文件正在后台生成，请稍候"))
        return redirect("benefits:roll_detail", pk=roll.pk)
    audit.record_export(object_type="benefits.rollline", count=batch.line_count, fmt=layout.format,
                        filters={"roll": roll.pk, "batch": number, "layout": layout.key})
    return _attachment(response, filename)


@route_scope(roles=VIEW, obj="benefits.roll")
def roll_recipients(request: HttpRequest, pk: int) -> HttpResponse:
    """The recipient list for public posting: masked names, area, amount, period — printable."""
    roll = roll_get_for_user(request.user, pk)
    rows = selectors.public_recipients(roll)
    return render(request, "benefits/recipients.html", {"roll": roll, "rows": rows})


@route_scope(roles=VIEW)
def reports(request: HttpRequest) -> HttpResponseBase:
    """Beneficiaries and amounts by town and by month, new and leaving beneficiaries; ``?format=xlsx``."""
    form = ReportForm(request.GET or None)
    today = clock.today()
    month, programme = rules.month_start(today), ""
    if form.is_valid():
        programme = form.cleaned_data["programme"] or ""
        month = form.cleaned_data["month"] or month
    by_town = selectors.report_by_town(request.user, month=month, programme=programme)
    by_month = selectors.report_by_month(request.user, year=month.year, programme=programme)
    moves = selectors.new_and_leaving(request.user, month=month, programme=programme)
    if request.GET.get("format") == "xlsx":
        return _report_xlsx(request, month, programme, by_town, by_month, moves)
    return render(request, "benefits/reports.html", {
        "form": form, "month": month, "by_town": by_town, "by_month": by_month,
        "new": [(e, mask_name(e.person.name)) for e in moves["new"]],
        "leaving": [(e, mask_name(e.person.name)) for e in moves["leaving"]],
        "query": request.GET.urlencode(),
    })


def _report_xlsx(request: HttpRequest, month: dt.date, programme: str, by_town: list[dict[str, Any]],
                 by_month: list[dict[str, Any]], moves: dict[str, list[Enrolment]]) -> HttpResponseBase:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "按镇"
    ws.append(["镇（街道）", "项目", "人数", "金额（元）"])
    for r in by_town:
        ws.append([r["town__name"] or "", r["programme_name"], r["persons"], r["total"]])
    ws2 = wb.create_sheet("按月")
    ws2.append(["月份", "项目", "人数", "金额（元）"])
    for r in by_month:
        ws2.append([f"{r['roll__month']:%Y-%m}", r["programme_name"], r["persons"], r["total"]])
    ws3 = wb.create_sheet("新增与退出")
    ws3.append(["类型", "姓名", "所在地", "项目", "起始月", "终止月", "终止原因"])
    for label, items in (("新增", moves["new"]), ("退出", moves["leaving"])):
        for e in items:
            ws3.append([label, mask_name(e.person.name), e.area.name, e.programme_name,
                        f"{e.start_month:%Y-%m}" if e.start_month else "",
                        f"{e.end_month:%Y-%m}" if e.end_month else "", e.end_reason_label])
    out = io.BytesIO()
    wb.save(out)
    count = len(by_town) + len(by_month) + sum(map(len, moves.values()))
    audit.record_export(object_type="benefits.report", count=count, fmt="xlsx",
                        filters={"month": month, "programme": programme})
    return _attachment(HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-officedocument"
                                    ".spreadsheetml.sheet"), f"奖励扶助统计-{month:%Y%m}.xlsx")
