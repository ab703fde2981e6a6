"""Staff pages of the law app: provisions (browse, search, what cites them), parameters, calendar, deadlines."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from jisheng.accounts.roles import roles_with
from jisheng.core import clock
from jisheng.core.access import route_scope
from jisheng.core.errors import InvalidInput

from . import selectors, services
from .calendar import chinesecalendar_source, covered_years
from .citations import citations_of
from .forms import CalendarDayForm, CalendarNoticeForm, DeadlineForm
from .models import CalendarYear, LegalInstrument
from .parameters import all_parameters


@route_scope()
def provision_list(request: HttpRequest) -> HttpResponse:
    """Browse and search provisions (``?q=`` words, ``?instrument=`` key)."""
    services.provisions_ensure_loaded()
    query = request.GET.get("q", "").strip()
    instrument = request.GET.get("instrument", "").strip()
    provisions = list(selectors.provision_search(query, instrument=instrument))
    return render(request, "law/provision_list.html", {
        "provisions": provisions, "query": query, "instrument": instrument,
        "instruments": selectors.instrument_list(),
    })


@route_scope()
def provision_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One provision, its instrument version, and everything that cites it."""
    services.provisions_ensure_loaded()
    try:
        provision = selectors.provision_get(key)
    except InvalidInput:
        raise Http404 from None
    return render(request, "law/provision_detail.html", {
        "provision": provision, "version": provision.version, "instrument": provision.version.instrument,
        "citations": citations_of(provision.key),
    })


@route_scope()
def instrument_detail(request: HttpRequest, key: str) -> HttpResponse:
    services.provisions_ensure_loaded()
    try:
        instrument = LegalInstrument.objects.get(key=key)
    except LegalInstrument.DoesNotExist:
        raise Http404 from None
    versions = instrument.versions.prefetch_related("provisions").order_by("effective", "key")
    return render(request, "law/instrument_detail.html", {"instrument": instrument, "versions": versions})


@route_scope()
def parameter_list(request: HttpRequest) -> HttpResponse:
    """Every dated parameter with the value in force today (or on ``?on=``)."""
    try:
        on = dt.date.fromisoformat(request.GET["on"]) if request.GET.get("on") else clock.today()
    except ValueError:
        on = clock.today()
    rows = []
    for parameter in sorted(all_parameters().values(), key=lambda p: p.key):
        try:
            current = parameter.value_on(on)
        except InvalidInput:
            current = None
        rows.append({"parameter": parameter, "current": current})
    return render(request, "law/parameter_list.html", {"rows": rows, "on": on})


@route_scope()
def parameter_detail(request: HttpRequest, key: str) -> HttpResponse:
    parameter = all_parameters().get(key)
    if parameter is None:
        raise Http404
    return render(request, "law/parameter_detail.html", {"parameter": parameter})


MIN_YEAR, MAX_YEAR = 1949, 2200


@route_scope()
def calendar_view(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """A year's holidays and make-up workdays, the covered years, and (for administrators) the edit form."""
    if year is None:
        year = clock.today().year
    elif not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404  # /law/calendar/10000/ used to fail with a 500 (dt.date out of range)
    days = list(selectors.calendar_days(year))
    try:
        years = covered_years()
    except InvalidInput:
        years = []
    can_edit = bool(getattr(request.user, "has_capability", lambda c: False)("calendar.manage"))
    return render(request, "law/calendar.html", {
        "year": year, "days": days, "years": years, "covered": year in years,
        "year_row": CalendarYear.objects.filter(year=year).first(),
        "release_differences": selectors.release_differences(year) if can_edit else [],
        "release_source": chinesecalendar_source(), "can_edit": can_edit,
        "form": CalendarDayForm(initial={"date": dt.date(year, 1, 1)}) if can_edit else None,
        "recomputations": selectors.recomputations(50),
    })


@route_scope(roles=roles_with("calendar.manage"), methods=("GET", "POST"))
def calendar_notice(request: HttpRequest) -> HttpResponse:
    """Enter a year's holidays from the State Council notice (contract §1a): upload or paste the YAML, see every
    rest day and make-up workday and the open deadlines that would move (POST ``action=preview``, nothing saved),
    then save (``action=confirm``: the same text again, checked again) or go back to edit it (``action=edit``)."""
    from .notices import parse_notice

    error = None
    if request.method == "POST":
        form = CalendarNoticeForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            raw: bytes = data["raw"]
            text = raw.decode("utf-8-sig", errors="replace")
            action = request.POST.get("action", "preview")
            if action != "edit":
                try:
                    notice = parse_notice(raw, data["name"])
                    if action == "confirm":
                        outcome = services.calendar_notice_import(notice, actor=request.user)
                        messages.success(request, outcome.summary())
                        return HttpResponseRedirect(reverse("law:calendar_year", args=[notice.year]))
                    outcome = services.calendar_notice_preview(notice, actor=request.user)
                except InvalidInput as exc:
                    error = str(exc)
                else:
                    return render(request, "law/calendar_notice.html", {
                        "outcome": outcome, "text": text,
                        "confirm": CalendarNoticeForm(initial={"name": data["name"]})})
            form = CalendarNoticeForm(initial={"text": text, "name": data["name"]})
    else:
        form = CalendarNoticeForm()
    return render(request, "law/calendar_notice.html", {"form": form, "error": error,
                                                        "next_year": clock.today().year + 1})


@route_scope(roles=roles_with("calendar.manage"), methods=("POST",))
def calendar_release_accept(request: HttpRequest) -> HttpResponse:
    """Use the installed chinesecalendar release for a year entered from the notice (POST ``year``)."""
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, _("请指定年份。"))
        return HttpResponseRedirect(reverse("law:calendar"))
    try:
        moved = services.calendar_release_accept(year=year, actor=request.user)
    except InvalidInput as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(y)d 年已改用 %(s)s，%(n)d 个未结期限的届满日已重算。") % {
            "y": year, "s": chinesecalendar_source(), "n": len(moved)})
    if not MIN_YEAR <= year <= MAX_YEAR:
        return HttpResponseRedirect(reverse("law:calendar"))
    return HttpResponseRedirect(reverse("law:calendar_year", args=[year]))


@route_scope(roles=roles_with("calendar.manage"), methods=("POST",))
def calendar_day_edit(request: HttpRequest) -> HttpResponse:
    """Add, change or remove a local calendar day; open deadlines are recomputed (POST only)."""
    if request.method != "POST":
        return HttpResponseRedirect(reverse("law:calendar"))
    form = CalendarDayForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, "; ".join(str(e) for e in error))
        return HttpResponseRedirect(reverse("law:calendar"))
    data = form.cleaned_data
    try:
        if data["remove"]:
            moved = services.calendar_day_remove(date=data["date"], actor=request.user, reason=data["reason"])
        else:
            moved = services.calendar_day_set(date=data["date"], kind=data["kind"], name=data["name"],
                                              actor=request.user, reason=data["reason"])
    except InvalidInput as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("工作日历已更新，%(n)d 个未结期限的届满日已重算。") % {"n": len(moved)})
    return HttpResponseRedirect(reverse("law:calendar_year", args=[data["date"].year]))


@route_scope()
def deadline_calculator(request: HttpRequest) -> HttpResponse:
    """Compute a due date with its explanation (the same engine as the CLI and API)."""
    from .deadlines import compute_due

    form = DeadlineForm(request.GET or None)
    result = error = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            suspensions = []
            for part in filter(None, (p.strip() for p in (data["suspend"] or "").split(","))):
                first, _sep, last = part.partition(":")
                try:
                    suspensions.append((dt.date.fromisoformat(first), dt.date.fromisoformat(last)))
                except ValueError:
                    raise InvalidInput(_("中止期间格式应为 YYYY-MM-DD:YYYY-MM-DD：%(p)s") % {"p": part},
                                       location="suspend") from None
            result = compute_due(data["start"], data["days"], data["unit"], suspensions=suspensions,
                                 extension=data["extend"] or 0)
        except InvalidInput as exc:
            error = str(exc)
    return render(request, "law/deadline.html", {"form": form, "result": result, "error": error})
