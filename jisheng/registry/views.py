"""Staff pages of the registry: search and lists, person pages with history, unmask, duplicates, import, export.

Views are thin: objects come from :mod:`.access` (404 outside scope), writes go through the services.
ID numbers and phones are masked on every page; the per-record unmask action is audited.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jisheng.accounts.roles import roles_with
from jisheng.core import audit, audit_display, clock
from jisheng.core.access import route_scope
from jisheng.core.errors import DomainError, InvalidInput, for_people
from jisheng.core.idnumber import normalise_id_number
from jisheng.core.masking import mask_bank_account, mask_id_number, mask_name, mask_phone
from jisheng.core.templatetags.choices import choice_labels

from . import dedup, exports, selectors, services
from .access import (
    duplicate_get_for_user,
    in_scope_ids,
    person_export_get_for_user,
    person_get_for_user,
    persons_for_user,
    roster_import_get_for_user,
    search_persons_for_user,
)
from .forms import (
    ChildLinkForm,
    DeathForm,
    DisabilityForm,
    DivorceForm,
    ExportForm,
    FloatingForm,
    ImportForm,
    MarriageForm,
    MoveForm,
    NewbornForm,
    PersonForm,
    PersonSearchForm,
    picker_context,
    picker_person,
)
from .models import MarriageEndReason, ParentChild, ParentChildKind, Person, PersonExport, PersonStatus, Sex

VIEW = roles_with("registry.view")
CHANGE = roles_with("registry.change")
UNMASK = roles_with("registry.unmask")
MERGE = roles_with("registry.merge")
IMPORT = roles_with("registry.import")
EXPORT = roles_with("registry.export")

#: Fields whose values are masked in the change history.
_MASKED_FIELDS = {"id_number": mask_id_number, "phone": mask_phone, "bank_account": mask_bank_account}


def _search(request: HttpRequest) -> tuple[PersonSearchForm, dict[str, Any]]:
    form = PersonSearchForm(request.GET or None, user=request.user)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    return form, filters


@route_scope(roles=VIEW)
def person_list(request: HttpRequest) -> HttpResponse:
    """Search people in scope by ID number, name, pinyin or initials, area and status; keyset pages."""
    form, filters = _search(request)
    try:
        page = search_persons_for_user(request.user, purpose=_("人员查询"), cursor=request.GET.get("after") or None,
                                       **filters)
    except InvalidInput:  # a hand-edited page link: show the first page instead of an error
        page = search_persons_for_user(request.user, purpose=_("人员查询"), **filters)
    query = request.GET.copy()
    query.pop("after", None)
    return render(request, "registry/person_list.html", {
        "form": form, "page": page, "rows": _list_rows(page.items), "query": query.urlencode(),
        "can_export": request.user.has_capability("registry.export"),  # type: ignore[union-attr]
        "can_change": request.user.has_capability("registry.change"),  # type: ignore[union-attr]
    })


def _detail_url_of() -> Callable[[int], str]:
    """``pk -> person page URL``, reversed once per call instead of once per row (``{% url %}`` in a 50-row loop)."""
    from django.urls import reverse

    marker = "2147483647"
    head, _sep, tail = reverse("registry:person_detail", args=[int(marker)]).partition(marker)
    return lambda pk: f"{head}{pk}{tail}"


def _list_rows(people: list[Person]) -> list[dict[str, Any]]:
    """The person list's rows as plain values (masked ID number, labels in the active language, ``Y-m-d`` birth
    date, the detail URL), so the template prints them without a lookup, a translation or a reverse per row."""
    sex, hukou, status = (choice_labels(Person, "sex"), choice_labels(Person, "hukou_type"),
                          choice_labels(Person, "status"))
    url_of = _detail_url_of()
    return [{
        "url": url_of(p.pk), "name": p.name, "floating": p.is_floating, "sex": sex.get(p.sex, p.sex),
        "birth": p.birth_date.isoformat() if p.birth_date else "", "masked": mask_id_number(p.id_number),
        "hukou": hukou.get(p.hukou_type, p.hukou_type), "area": p.residence_area.name,
        "alive": p.status == PersonStatus.ALIVE, "status": status.get(p.status, p.status),
    } for p in people]


#: At most this many people in one answer of the person picker.
PICKER_LIMIT = 10
_PICKER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


@route_scope(roles=VIEW)
def person_picker(request: HttpRequest) -> HttpResponse:
    """The person picker of registration forms (htmx fragments; see :class:`~.forms.PersonPickerField`).

    ``name``/``id`` name the form field (without them the answer is empty). With the field's text
    (``<name>=``): up to :data:`PICKER_LIMIT` living people of the user's scope (of one ``sex`` if given) matching
    a name, pinyin (at least two letters), initials or a whole ID number, each with sex, birth year, masked ID
    number and village — a search by ID number is audited as a view of each person found. With
    ``pick=<id>``: the picker showing that person and filling the hidden id, found only through
    :func:`~.access.person_get_for_user` (404 for a missing and an out-of-scope id alike). With ``reset``: the
    empty search box again. Nothing found and nobody in scope give the same answer.
    """
    name, html_id = request.GET.get("name", ""), request.GET.get("id", "")
    if not (_PICKER_NAME.match(name) and _PICKER_NAME.match(html_id)):
        return HttpResponse("")  # no field to answer for: nothing to show
    required, placeholder = request.GET.get("required") == "1", request.GET.get("placeholder", "")[:40]
    sex = request.GET.get("sex", "") if request.GET.get("sex", "") in (Sex.MALE, Sex.FEMALE) else ""
    if "pick" in request.GET:
        person = person_get_for_user(request.user, request.GET["pick"])
        return render(request, "registry/_person_picker.html",
                      {"picker": picker_context(name, html_id, chosen=person, required=required,
                                                 sex=sex, placeholder=placeholder)})
    if "reset" in request.GET:
        return render(request, "registry/_person_picker.html", {
            "picker": picker_context(name, html_id, required=required, sex=sex, placeholder=placeholder)})
    query = request.GET.get(name, "")[:64]
    results: list[Person] = []
    more = False
    kind = selectors.search_kind(query)
    searched = bool(kind) and (kind in ("id", "name") or len(query.strip()) >= 2)
    if searched:
        page = selectors.search_persons(request.user, q=query, status=PersonStatus.ALIVE, sex=sex,
                                        page_size=PICKER_LIMIT)
        results, more = page.items, page.next_cursor is not None
        if kind == "id":
            for person in results:
                audit.record_view(person, what=_("按公民身份号码查找人员（登记表人员选择）"))
    return render(request, "registry/_person_picker_results.html", {
        "picker": picker_context(name, html_id, required=required, sex=sex, placeholder=placeholder),
        "searched": searched,
        "results": [picker_person(p) for p in results], "more": more})


def _field_labels() -> dict[str, str]:
    """``{field name: verbose name}`` of :class:`Person` in the active language, built once per language."""
    from django.utils.translation import get_language

    language = get_language()
    labels = _FIELD_LABELS.get(language)
    if labels is None:
        labels = _FIELD_LABELS[language] = {f.name: str(f.verbose_name) for f in Person._meta.fields}
    return labels


_FIELD_LABELS: dict[str | None, dict[str, str]] = {}


def _history(events: list[Any]) -> list[dict[str, Any]]:
    """``events`` (a page of a person's change history) as rows of ``(field label, before, after)`` with the ID
    number, phone and bank account masked, each event's time (``Y-m-d H:i``, local time) and action label ready to
    print; the field labels are built once per language."""
    from django.utils import dateformat
    from django.utils.timezone import localtime

    from jisheng.core.models import AuditEvent

    labels = _field_labels()
    actions = choice_labels(AuditEvent, "action")

    def shown(field: str, value: Any) -> Any:
        fn = _MASKED_FIELDS.get(field)
        return fn(value or "") if fn else value

    out = []
    for event in events:
        changes: list[tuple[str, Any, Any]] = []
        data = event.changes or {}
        if "diff" in data:
            changes = [(field, shown(field, before), shown(field, after))
                       for field, (before, after) in data["diff"].items()]
        elif "after" in data:
            changes = [(f, None, shown(f, v)) for f, v in data["after"].items() if v not in ("", None, False)]
        elif "before" in data:  # a deletion: what the record held
            changes = [(f, shown(f, v), None) for f, v in data["before"].items() if v not in ("", None, False)]
        elif data:
            changes = [(k, None, v) for k, v in data.items()]
        out.append({"event": event, "changes": [(labels.get(f, f), b, a) for f, b, a in changes],
                    "rows": len(changes) or 1, "at": dateformat.format(localtime(event.at), "Y-m-d H:i"),
                    "action": actions.get(event.action, event.action)})
    return out


#: Who may read a person's access log (who viewed, unmasked or exported the record): the roles that read the audit
#: trail (auditors, the city administrator), no one else — least access: the log names the staff who looked,
#: auditors included, so the offices whose access is audited do not read it.
ACCESS_LOG = roles_with("audit.view")


def _may_read_access_log(user: Any) -> bool:
    return getattr(user, "role", None) in ACCESS_LOG


def _audit_page(request: HttpRequest, person: Person, *, access: bool, param: str) -> selectors.AuditPage:
    """The page of ``person``'s change history or access log that ``?<param>=<cursor>`` asks for; a malformed
    cursor (a hand-edited link) gives the first page."""
    try:
        return selectors.person_audit_page(person, access=access, cursor=request.GET.get(param) or None)
    except InvalidInput:
        return selectors.person_audit_page(person, access=access)


@route_scope(roles=VIEW, obj="registry.person")
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One person: masked identity, family, life events and the history of changes, 20 a page (``?history=`` the
    cursor of an older page); views, unmasks and exports are in the access log (:func:`person_access_log`), not in
    the history, so the page costs the same however often it was viewed. The view is audited."""
    person = person_get_for_user(request.user, pk)
    audit.record_view(person, what=_("人员详情（家庭关系、生活事件、变更记录）"))
    today = clock.today()
    parents, children = selectors.parents_and_children_of(person, ("birth", "adoption", "step"), today)
    marriages = list(selectors.marriages_of(person))
    events = list(selectors.life_events_of(person))
    spouses = [m.wife if m.husband_id == person.pk else m.husband for m in marriages]
    relatives = _relatives(request.user, [*parents, *children, *spouses])
    history = _audit_page(request, person, access=False, param="history")
    return render(request, "registry/person_detail.html", {
        "person": person, "masked_id": mask_id_number(person.id_number), "masked_phone": mask_phone(person.phone),
        "masked_bank": mask_bank_account(person.bank_account),
        "parents": [relatives[p.pk] for p in parents], "children": [relatives[c.pk] for c in children],
        "marriages": [(m, relatives[s.pk]) for m, s in zip(marriages, spouses, strict=True)],
        "events": events, "history": _history(history.items),
        "history_next": history.next_cursor, "history_paged": bool(request.GET.get("history")),
        "grade": selectors.grade_from_events(events, today),
        "current_marriage": next((m for m in marriages if m.is_current(today)), None),
        "can_unmask": request.user.has_capability("registry.unmask"),  # type: ignore[union-attr]
        "can_change": request.user.has_capability("registry.change"),  # type: ignore[union-attr]
        "can_read_access_log": _may_read_access_log(request.user),
    })


@route_scope(roles=ACCESS_LOG, obj="registry.person")
def person_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who viewed, unmasked or exported one person's data (:data:`~.selectors.ACCESS_ACTIONS`), newest first, 20 a
    page (``?before=`` the cursor of an older page), shown as the audit browser shows events (masked, in words,
    China Standard Time). For :data:`ACCESS_LOG` only; a person outside the scope is not found (404), as on the
    person page. Reading it is itself a view of the person's data and is audited (it heads the first page)."""
    person = person_get_for_user(request.user, pk)
    audit.record_view(person, what=_("访问记录（查看、显示完整信息、导出）"))
    page = _audit_page(request, person, access=True, param="before")
    return render(request, "registry/person_access_log.html", {
        "person": person, "rows": audit_display.describe(page.items), "next_before": page.next_cursor,
        "paged": bool(request.GET.get("before")),
    })


def _relatives(user: Any, people: list[Person]) -> dict[int, dict[str, Any]]:
    """How the person page shows each relative: in full with a link when the relative is inside the user's scope,
    otherwise the name masked, no link (it would answer 404) and the birth year only — like the family page."""
    from .access import persons_for_user

    visible = set(persons_for_user(user).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    return {p.pk: {"person": p, "visible": p.pk in visible,
                   "name": p.name if p.pk in visible else mask_name(p.name)} for p in people}


#: How the family page names each relation (selectors.RELATIONS).
FAMILY_RELATIONS = {
    "self": gettext_lazy("本人"), "spouse": gettext_lazy("配偶"), "late_spouse": gettext_lazy("配偶（已故）"),
    "former_spouse": gettext_lazy("前配偶"), "parent": gettext_lazy("父母"), "step_parent": gettext_lazy("继父母"),
    "child": gettext_lazy("子女"), "spouse_child": gettext_lazy("配偶的子女"), "household": gettext_lazy("同户成员"),
}


@route_scope(roles=VIEW, obj="registry.person")
def family(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's family in one place: household members, spouses, parents and children with their marriages and
    life events (one timeline), and the sections other apps add (a family's service timeline). Scoped like the
    person page; members outside the user's scope are masked, unlinked and without events; the view of each
    member shown in full is audited."""
    from . import hooks

    person = person_get_for_user(request.user, pk)
    fam = selectors.family_of(person, request.user)
    audit.record_views([m.person for m in fam.members if m.visible],  # one INSERT, however large the family
                       what=_("家庭页面（成员、婚姻、子女及事件）"))
    return render(request, "registry/family.html", {
        "person": person, "family": fam, "relations": FAMILY_RELATIONS,
        "members": [(m, FAMILY_RELATIONS.get(m.relation, m.relation)) for m in fam.members],
        "marriages": [(m, fam.member(m.husband_id), fam.member(m.wife_id)) for m in fam.marriages],
        "sections": hooks.family_sections(fam, request.user),
    })


@route_scope(roles=UNMASK, obj="registry.person", methods=("POST",))
@require_POST
def person_unmask(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one person's full ID number, phone and bank account (audited as an unmask event)."""
    person = person_get_for_user(request.user, pk)
    audit.record_unmask(person, field="id_number,phone,bank_account", reason=request.POST.get("reason", "")[:255])
    return render(request, "registry/_identity.html", {
        "person": person, "masked_id": person.id_number, "masked_phone": person.phone,
        "masked_bank": person.bank_account, "unmasked": True,
    })


def _person_form_save(request: HttpRequest, form: PersonForm, person: Person | None,
                      keep_blank: tuple[str, ...] = ()) -> Person | None:
    data = dict(form.cleaned_data)
    for name in keep_blank:  # a masked field left blank keeps its stored value
        if not data.get(name):
            data.pop(name, None)
    try:
        if person is None:
            return services.person_create(actor=request.user, source="form", **data)
        return services.person_update(person, actor=request.user, **data)
    except InvalidInput as exc:
        field = {"公民身份号码": "id_number", "姓名": "name", "出生日期": "birth_date", "性别": "sex"}.get(
            (exc.location or "").split("（")[0])
        form.add_error(field, str(exc).split(": ", 1)[-1])
        return None


@route_scope(roles=CHANGE, methods=("GET", "POST"))
def person_create(request: HttpRequest) -> HttpResponse:
    """Register a person; suspected duplicates go to the review queue."""
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = _person_form_save(request, form, None)
        if person is not None:
            n = len(in_scope_ids(request.user, [o.pk for o, _ in dedup.find_duplicates(person)]))
            note = _("发现 %(n)s 条疑似重复记录，已送核查。") % {"n": n} if n else ""
            messages.success(request, _("已登记。") + note)
            return redirect("registry:person_detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": None})


@route_scope(roles=CHANGE, obj="registry.person", methods=("GET", "POST"))
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a person's details (the history records before/after).

    The ID number, phone and bank account are not put into the form (where they would be readable in
    full, without the unmask permission and its audit): their fields show the masked value and, left
    blank, keep the stored one.
    """
    person = person_get_for_user(request.user, pk)
    initial = {f: getattr(person, f) for f in PersonForm.base_fields if f not in _MASKED_FIELDS}
    form = PersonForm(request.POST or None, user=request.user, initial=initial)
    for name, mask in _MASKED_FIELDS.items():
        current = getattr(person, name)
        if current:
            form.fields[name].widget.attrs["placeholder"] = mask(current)
            form.fields[name].help_text = _("留空则保持不变")
    if request.method == "POST" and form.is_valid() and _person_form_save(
            request, form, person, keep_blank=tuple(_MASKED_FIELDS)) is not None:
        messages.success(request, _("已保存。"))
        return redirect("registry:person_detail", pk=person.pk)
    audit.record_view(person, what=_("修改表单（人员信息）"))  # the form shows the record (numbers masked)
    return render(request, "registry/person_form.html", {"form": form, "person": person})


@route_scope(roles=EXPORT, methods=("GET", "POST"))
def person_export(request: HttpRequest) -> HttpResponseBase:
    """Ask for an export of the current search (all pages, up to the export cap): the reason, the format and — for an
    account that may unmask — the full numbers. The file is written in the background (:mod:`.exports`); the page of
    the export shows when it is ready. Masked by default; nothing is exported by a link alone.
    """
    form_search, filters = _search(request)
    may_unmask = request.user.has_capability("registry.unmask")  # type: ignore[union-attr]
    form = ExportForm(request.POST or None, may_unmask=may_unmask)
    if request.method == "POST" and form.is_valid():
        try:
            job = exports.person_export_request(
                actor=request.user, filters=filters, fmt=form.cleaned_data["format"],
                reason=form.cleaned_data["reason"], unmasked=bool(form.cleaned_data.get("unmasked")))
        except DomainError as exc:
            form.add_error("reason" if getattr(exc, "location", "") == "reason" else None, for_people(exc))
        else:
            return redirect("registry:export_detail", pk=job.pk)
    count = selectors.search_persons(request.user, page_size=1, **filters).count_text
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "registry/export_new.html", {
        "form": form, "search": form_search, "filters": filters, "count": count, "query": query.urlencode(),
        "exports": list(PersonExport.objects.filter(created_by_id=request.user.pk).order_by("-id")[:10]),
    })


@route_scope(roles=EXPORT, obj="registry.export")
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One export the user asked for: its reason, its progress (polled by htmx while it runs) and the download."""
    job = person_export_get_for_user(request.user, pk)
    exports.person_export_expire(job)
    template = "registry/_export_progress.html" if request.headers.get("HX-Request") else "registry/export_detail.html"
    return render(request, template, {"job": job, "keep_days": exports.EXPORT_KEEP_DAYS})


@route_scope(roles=EXPORT, obj="registry.export")
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The export's file, for the account that asked for it once it is ready (each download audited)."""
    job = person_export_get_for_user(request.user, pk)
    if exports.person_export_expire(job) or job.status != "done" or not job.file:
        messages.info(request, _("该导出文件尚未生成或已过期。"))
        return redirect("registry:export_detail", pk=job.pk)
    return exports.person_export_response(job)


# --- duplicates -------------------------------------------------------------------------------------


@route_scope(roles=MERGE)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Suspected duplicate pairs awaiting review in scope."""
    pending = list(selectors.pending_duplicates_for(request.user)[:200])
    return render(request, "registry/duplicate_list.html", {
        "pairs": [(c, mask_id_number(c.person_a.id_number), mask_id_number(c.person_b.id_number)) for c in pending],
    })


def _side(person: Person) -> dict[str, Any]:
    return {
        "person": person, "id": mask_id_number(person.id_number), "phone": mask_phone(person.phone),
        "parents": selectors.parents_of(person), "children": selectors.children_of(person),
        "marriages": list(selectors.marriages_of(person)), "events": selectors.life_events_of(person).count(),
    }


@route_scope(roles=MERGE, obj="registry.duplicate")
def duplicate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The two records side by side, with merge / dismiss / undo actions (a view of both is audited)."""
    candidate = duplicate_get_for_user(request.user, pk)
    for person in (candidate.person_a, candidate.person_b):  # both families are shown: audited like a person page
        audit.record_view(person, what=_("疑似重复核查（并排比对）"))
    return render(request, "registry/duplicate_detail.html", {
        "c": candidate, "a": _side(candidate.person_a), "b": _side(candidate.person_b),
    })


def _decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    candidate = duplicate_get_for_user(request.user, pk)
    try:
        if action == "merge":
            dedup.duplicate_merge(candidate, actor=request.user)
            messages.success(request, _("已合并。如有错误可撤销合并。"))
        elif action == "dismiss":
            dedup.duplicate_dismiss(candidate, actor=request.user)
            messages.success(request, _("已标记为不是重复。"))
        else:
            dedup.duplicate_undo_merge(candidate, actor=request.user)
            messages.success(request, _("已撤销合并，两条记录及其关系已恢复。"))
    except DomainError as exc:
        messages.error(request, for_people(exc))
    return redirect("registry:duplicate_detail", pk=candidate.pk)


@route_scope(roles=MERGE, obj="registry.duplicate", methods=("POST",))
@require_POST
def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge the newer record into the older one."""
    return _decide(request, pk, "merge")


@route_scope(roles=MERGE, obj="registry.duplicate", methods=("POST",))
@require_POST
def duplicate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the two records are different people."""
    return _decide(request, pk, "dismiss")


@route_scope(roles=MERGE, obj="registry.duplicate", methods=("POST",))
@require_POST
def duplicate_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a merge, restoring both records with their relations."""
    return _decide(request, pk, "undo")


# --- roster import ----------------------------------------------------------------------------------


@route_scope(roles=IMPORT, methods=("GET", "POST"))
def import_new(request: HttpRequest) -> HttpResponse:
    """Upload a roster; the import runs in the background."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        area = getattr(request.user, "area", None)
        if area is None:
            raise PermissionDenied
        try:  # the file's name is kept masked: offices name rosters after people (王小红_3205….csv)
            job = services.roster_import_create(filename=exports.masked_file_name(upload.name), data=upload.read(),
                                                mode=form.cleaned_data["mode"], area=area, actor=request.user)
        except InvalidInput as exc:
            form.add_error("file", str(exc).split(": ", 1)[-1])
        else:
            return redirect("registry:import_detail", pk=job.pk)
    if request.user.area is not None:  # type: ignore[union-attr]
        services.roster_imports_recover(area=request.user.area)  # type: ignore[union-attr]
    from .roster import MAX_ERRORS, MAX_ROWS

    imports = list(selectors.imports_for(request.user)[:20])
    for job, shown in zip(imports, exports.masked_file_names([j.filename for j in imports]), strict=True):
        job.filename = shown  # shown masked (an upload stored before names were masked on arrival)
    return render(request, "registry/import_new.html", {
        "form": form, "imports": imports,
        "max_rows": f"{MAX_ROWS:,}", "max_errors": f"{MAX_ERRORS:,}",
    })


@route_scope(roles=IMPORT)
def import_template(request: HttpRequest) -> HttpResponseBase:
    """The roster template (.xlsx): the standard headers, one example row and the instructions."""
    from .roster import template_xlsx

    response = HttpResponse(template_xlsx(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = exports.content_disposition("花名册模板.xlsx")
    return response


@route_scope(roles=IMPORT, obj="registry.import")
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's progress (polled by htmx while it runs) and its outcome; an import whose worker died is
    recovered here (started again, or failed with a message) once its heartbeat is old."""
    job = roster_import_get_for_user(request.user, pk)
    if job.status == "running" and services.roster_imports_recover(area=job.area):
        job = roster_import_get_for_user(request.user, pk)
    template = "registry/_import_progress.html" if request.headers.get("HX-Request") else "registry/import_detail.html"
    job.filename = exports.masked_file_name(job.filename)  # shown masked, never saved from here
    return render(request, template, {"job": job, "errors": job.errors[:200]})


@route_scope(roles=IMPORT, obj="registry.import")
def import_errors(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Download the import's errors (row, column, problem) as .xlsx or CSV."""
    job = roster_import_get_for_user(request.user, pk)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    rows = [[e["row"], e.get("name", ""), e["column"], e["problem"]] for e in job.errors]
    stem = exports.masked_file_name(job.filename.rsplit(".", 1)[0])  # "张三_3205…_花名册.csv": masked
    audit.record_export(object_type="registry.rosterimport", object_id=job.pk, count=len(rows), fmt=fmt,
                        filters={"import": job.pk}, area_id=job.area_id)
    return exports.export_response(filename=f"{stem}_错误清单", fmt=fmt, header=("行号", "姓名", "列", "问题"),
                                   rows=rows)


# --- life events (登记事件) ----------------------------------------------------------------------------
#
# One small form page per event on a person in scope; the spouse or child named by ID number is looked up
# only inside the user's scope (an unknown and an out-of-scope number give the same form error). Every
# write is one service call (one transaction, audited through DomainModel with actor=request.user).

EventHandler = Callable[[Person, dict[str, Any]], str]


def _domain_error_to_form(form: forms.Form, exc: DomainError, locations: dict[str, str]) -> None:
    """Attach ``exc`` to the form field its location names (``locations``: location → field), else to the form."""
    if isinstance(exc, _Refused):  # the lookup already added its error
        return
    location = getattr(exc, "location", None) or ""
    field = locations.get(location.split("（")[0])
    if field is not None and field in form.fields:
        form.add_error(field, str(exc).split(": ", 1)[-1])
    else:
        form.add_error(None, for_people(exc))


def _event_page(request: HttpRequest, pk: int, *, form: forms.Form, title: str, handle: EventHandler,
                locations: dict[str, str], intro: Callable[[Person], str] | None = None) -> HttpResponse:
    person = person_get_for_user(request.user, pk)
    if request.method == "POST" and person.status in (PersonStatus.DEAD, PersonStatus.MERGED):
        form.is_valid()
        form.add_error(None, _("该人员已登记死亡或已合并，不能再登记事件"))
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                done = handle(person, form.cleaned_data)
        except DomainError as exc:
            _domain_error_to_form(form, exc, locations)
        else:
            messages.success(request, done)
            return redirect("registry:person_detail", pk=person.pk)
    return render(request, "registry/event_form.html", {
        "person": person, "form": form, "title": title, "intro": intro(person) if intro else "",
        "closed": person.status in (PersonStatus.DEAD, PersonStatus.MERGED),
    })


def _in_scope_by_id_number(user: Any, number: str, form: forms.Form, field: str) -> Person | None:
    """The non-merged person with exactly this ID number inside ``user``'s scope (living first), or None
    with a form error that does not tell whether the number exists elsewhere."""
    normalised = normalise_id_number(number)
    qs = persons_for_user(user).filter(id_number=normalised).exclude(status=PersonStatus.MERGED) \
        if normalised else Person.objects.none()
    found = qs.filter(status=PersonStatus.ALIVE).first() or qs.order_by("-id").first()
    if found is None:
        form.add_error(field, _("本辖区内没有该身份证号的在册人员，请核对号码（其他地区人员请联系县级办公室登记）"))
    return found


class _Refused(DomainError):
    """A lookup added its error to the form; nothing is written."""


@route_scope(roles=CHANGE, obj="registry.person", methods=("GET", "POST"))
def event_death(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a death (死亡登记): status dead, death date, death event; a current marriage ends by death."""
    def handle(person: Person, data: dict[str, Any]) -> str:
        services.person_record_death(person, date=data["date"], cause=data["cause"], actor=request.user)
        return _("已登记死亡。")
    return _event_page(request, pk, form=DeathForm(request.POST or None), title=_("死亡登记"), handle=handle,
                       locations={"日期": "date", "死亡原因": "cause"})


@route_scope(roles=CHANGE, obj="registry.person", methods=("GET", "POST"))
def event_marriage(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a marriage (结婚登记) with a spouse found by exact ID number inside the user's scope."""
    form = MarriageForm(request.POST or None)

    def handle(person: Person, data: dict[str, Any]) -> str:
        spouse = _in_scope_by_id_number(request.user, data["spouse_id_number"], form, "spouse_id_number")
        if spouse is None:
            raise _Refused
        if spouse.pk == person.pk:
            raise InvalidInput(_("配偶不能是本人"), location="配偶")
        if spouse.sex == person.sex:
            raise InvalidInput(_("婚姻登记双方应为一男一女"), location="配偶")
        husband, wife = (person, spouse) if person.sex == Sex.MALE else (spouse, person)
        services.marriage_register(husband=husband, wife=wife, start_date=data["date"], actor=request.user)
        return _("已登记结婚。")
    return _event_page(request, pk, form=form, title=_("结婚登记"), handle=handle,
                       locations={"登记结婚日期": "date", "婚姻": "spouse_id_number", "配偶": "spouse_id_number"})


@route_scope(roles=CHANGE, obj="registry.person", methods=("GET", "POST"))
def event_divorce(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the divorce (离婚登记) that ends the person's current marriage."""
    def handle(person: Person, data: dict[str, Any]) -> str:
        marriage = selectors.current_marriage(person)
        if marriage is None:
            raise InvalidInput(_("该人员目前没有在册婚姻"), location="婚姻")
        services.marriage_end(marriage, end_date=data["date"], end_reason=MarriageEndReason.DIVORCE,
                              actor=request.user)
        return _("已登记离婚。")
    def intro(person: Person) -> str:
        marriage = selectors.current_marriage(person)
        if marriage is None:
            return _("该人员目前没有在册婚姻。")
        spouse = marriage.wife if marriage.husband_id == person.pk else marriage.husband
        return _("将终止与 %(spouse)s 于 %(date)s 登记的婚姻。") % {
            "spouse": spouse.name, "date": f"{marriage.start_date:%Y-%m-%d}"}
    return _event_page(request, pk, form=DivorceForm(request.POST or None), title=_("离婚登记"), handle=handle,
                       locations={"婚姻终止日期": "date"}, intro=intro)


@route_scope(roles=CHANGE, obj="registry.person", methods=("GET", "POST"))
def event_child_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link an existing person in scope as this person's child (亲生 / 收养 / 继子女) by exact ID number."""
    form = ChildLinkForm(request.POST or None)

    def handle(person: Person, data: dict[str, Any]) -> str:
        child = _in_scope_by_id_number(request.user, data["child_id_number"], form, "child_id_number")
        if child is None:
            raise _Refused
        if ParentChild.objects.filter(parent=person, child=child).exists():
            raise InvalidInput(_("该亲子关系已登记"), location="子女")
        kind = data["kind"]
        since = data.get("since") if kind != ParentChildKind.BIRTH else None
        if since is not None and since < child.birth_date:
            raise InvalidInput(_("关系成立日期不能早于子女出生日期"), location="起始日期")
        services.parent_child_link(parent=person, child=child, kind=kind, since=since, actor=request.user)
        return _("已登记子女。")
    return _event_page(request, pk, form=form, title=_("子女登记（关联已在册人员）"), handle=handle,
                       locations={"子女": "child_id_number", "亲子关系": "child_id_number", "关系": "kind",
                                  "起始日期": "since"})


@route_scope(roles=CHANGE, obj="registry.person", methods=("GET", "POST"))
def event_newborn(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a newborn child (出生登记) of this person; duplicate detection runs as for any new person."""
    def handle(person: Person, data: dict[str, Any]) -> str:
        child = services.child_register(
            parent=person, actor=request.user, name=data["name"], sex=data["sex"], birth_date=data["birth_date"],
            id_number=data["id_number"], with_spouse=data["with_spouse"])
        n = len(in_scope_ids(request.user, [o.pk for o, _ in dedup.find_duplicates(child)]))
        return _("已登记子女 %(name)s。") % {"name": child.name} + (
            _("发现 %(n)s 条疑似重复记录，已送核查。") % {"n": n} if n else "")
    def intro(person: Person) -> str:
        return _("子女登记在本人的现居住地（%(area)s），户籍随本人；与已有记录姓名、出生日期相同的，"
                 "将送疑似重复核查。") % {"area": person.residence_area.name}
    return _event_page(request, pk, form=NewbornForm(request.POST or None), title=_("子女登记（新生儿）"),
                       handle=handle, intro=intro, locations={"姓名": "name", "性别": "sex", "出生日期": "birth_date",
                                                 "公民身份号码": "id_number", "亲子关系": "birth_date"})


@route_scope(roles=CHANGE, obj="registry.person", methods=("GET", "POST"))
def event_disability(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a disability certificate (残疾人证) of grade 1–4."""
    def handle(person: Person, data: dict[str, Any]) -> str:
        services.disability_certificate_record(person, grade=data["grade"], date=data["date"],
                                               category=data["category"], number=data["number"],
                                               actor=request.user)
        return _("已登记残疾人证。")
    return _event_page(request, pk, form=DisabilityForm(request.POST or None), title=_("残疾人证登记"),
                       handle=handle, locations={"日期": "date", "等级": "grade"})


@route_scope(roles=CHANGE, obj="registry.person", methods=("GET", "POST"))
def event_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a move: to a new residence area inside the user's scope (迁入/迁居), or out of it (迁出)."""
    form = MoveForm(request.POST or None, user=request.user)

    def handle(person: Person, data: dict[str, Any]) -> str:
        if data["direction"] == MoveForm.MOVE_OUT:
            services.person_move(person, date=data["date"], destination=data["destination"], actor=request.user)
            return _("已登记迁出。")
        services.person_move(person, date=data["date"], to_area=data["to_area"], actor=request.user)
        return _("已登记迁入（迁居）。")
    return _event_page(request, pk, form=form, title=_("迁入 / 迁出登记"), handle=handle,
                       locations={"日期": "date", "新居住地": "to_area", "迁往地": "destination"})


@route_scope(roles=CHANGE, obj="registry.person", methods=("GET", "POST"))
def event_floating(request: HttpRequest, pk: int) -> HttpResponse:
    """Register the person as floating population (流动人口登记)."""
    def handle(person: Person, data: dict[str, Any]) -> str:
        services.floating_register(person, date=data["date"], origin=data["origin"], actor=request.user)
        return _("已登记为流动人口。")
    return _event_page(request, pk, form=FloatingForm(request.POST or None), title=_("流动人口登记"),
                       handle=handle, locations={"日期": "date", "来源地": "origin"})
