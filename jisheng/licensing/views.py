"""Staff licensing pages: register a birth-approval application (the case page itself is the case engine's)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jisheng.accounts.roles import roles_with
from jisheng.core import clock
from jisheng.core.access import route_scope
from jisheng.core.errors import DomainError, for_people
from jisheng.core.forms import DateInput
from jisheng.registry.forms import PersonPickerField, bind_person_pickers

from . import services
from .forms import QuestionnaireForm

REGISTRARS = roles_with("licensing.change") | roles_with("licensing.register")


PICK_HELP = _l("输入姓名、拼音或身份证号，从本辖区在册人员中选择；也可直接填写完整的公民身份号码")


class RegisterForm(forms.Form):
    """The couple is picked from the registry of the user's scope (or typed as whole ID numbers); a husband living
    outside the scope only by his whole ID number and only as the wife's registered husband."""

    wife = PersonPickerField(label=_l("女方"), sex="F", help_text=PICK_HELP)
    husband = PersonPickerField(label=_l("男方"), sex="M", spouse_of="wife",
                                help_text=_l("输入姓名、拼音或身份证号，从本辖区在册人员中选择；男方不在本辖区的，"
                                             "须已与女方登记结婚，请填写其完整的公民身份号码"))
    application_date = forms.DateField(label=_l("申请日期"), widget=DateInput())
    is_special = forms.BooleanField(label=_l("特殊案件（需附三项记录并经法制审核）"), required=False)
    special_reason = forms.CharField(label=_l("特殊案件事由"), required=False, max_length=255)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_person_pickers(self, user)


@route_scope(roles=REGISTRARS, methods=("GET", "POST"))
def birth_approval_new(request: HttpRequest) -> HttpResponse:
    """Register a birth-approval application: the couple from the registry, plus the questionnaire."""
    form = RegisterForm(request.POST or None, initial={"application_date": clock.today()}, prefix="reg",
                        user=request.user)
    questions = QuestionnaireForm(request.POST or None, prefix="q")
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        d = form.cleaned_data
        facts = questions.facts()
        facts.pop("application_date", None)
        try:
            case = services.birth_approval_register(
                wife=d["wife"], husband=d["husband"], application_date=d["application_date"], facts=facts,
                is_special=d["is_special"], special_reason=d["special_reason"], actor=request.user)
        except DomainError as exc:
            form.add_error(None, for_people(exc))
        else:
            messages.success(request, _("已登记，案号 %(n)s") % {"n": case.number})
            return HttpResponseRedirect(reverse("cases:detail", args=[case.number]))
    return render(request, "licensing/birth_approval_new.html", {"form": form, "questions": questions})


PROCEDURES = [("floating_certificate", _l("流动人口婚育证明")), ("only_child_certificate", _l("独生子女父母光荣证")),
              ("reward_application", _l("奖励扶助金申请")), ("disability_appraisal", _l("病残儿医学鉴定"))]


class ApplicationForm(forms.Form):
    """Applicant, spouse and child are picked from the registry of the user's scope (or typed as whole ID
    numbers); the appraisal needs all three."""

    procedure = forms.ChoiceField(label=_l("事项"), choices=PROCEDURES)
    applicant = PersonPickerField(label=_l("申请人（女方）"), help_text=PICK_HELP)
    spouse = PersonPickerField(label=_l("配偶"), required=False, help_text=PICK_HELP)
    child = PersonPickerField(label=_l("患儿（病残儿鉴定）"), required=False, help_text=PICK_HELP)
    birth_approval = forms.CharField(label=_l("关联的再生育审批案号（可选）"), max_length=32, required=False)
    application_date = forms.DateField(label=_l("申请日期"), widget=DateInput())
    contraception = forms.CharField(label=_l("避孕节育情况（婚育证明，本人申报）"), max_length=100, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_person_pickers(self, user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("procedure") == "disability_appraisal":
            for field in ("spouse", "child"):
                if field in data and data[field] is None:
                    self.add_error(field, _("请填写"))
        return data


def _linked_case(user: Any, number: str) -> Any:
    """The birth-approval case ``number`` in the user's scope, None when blank.

    Raises:
        InvalidInput: no such case in scope (a typo in the form is a form error, not a 404 page).
    """
    from django.http import Http404

    from jisheng.cases.access import case_get_for_user
    from jisheng.core.errors import InvalidInput

    if not number.strip():
        return None
    try:
        return case_get_for_user(user, number.strip())
    except Http404:
        raise InvalidInput(_("本辖区没有案号为 %(n)s 的案件") % {"n": number.strip()},
                           location="birth_approval") from None


@route_scope(roles=REGISTRARS, methods=("GET", "POST"))
def application_new(request: HttpRequest) -> HttpResponse:
    """Register an application for one of the other procedures (certificates, reward, appraisal)."""
    from jisheng.cases.services import case_create

    from . import procedures

    form = ApplicationForm(request.POST or None, initial={"application_date": clock.today()}, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        applicant, spouse, child = d["applicant"], d["spouse"], d["child"]
        if applicant is not None:
            try:
                if d["procedure"] == "disability_appraisal":
                    linked = _linked_case(request.user, d["birth_approval"])
                    case = procedures.appraisal_register(wife=applicant, husband=spouse, child=child,
                                                         birth_approval=linked, actor=request.user,
                                                         application_date=d["application_date"])
                elif d["procedure"] == "reward_application":
                    case = case_create(case_type="reward_application",
                                       area=services.receiving_town_for(request.user, applicant),
                                       application_date=d["application_date"], actor=request.user,
                                       applicants=[(applicant, "wife" if applicant.sex == "F" else "applicant")])
                else:
                    facts = {"contraception": d["contraception"]} if d["contraception"] else {}
                    case = procedures.certificate_register(case_type=d["procedure"], applicant=applicant,
                                                           spouse=spouse, application_date=d["application_date"],
                                                           actor=request.user, facts=facts)
            except DomainError as exc:
                form.add_error(None, for_people(exc))
            else:
                messages.success(request, _("已登记，案号 %(n)s") % {"n": case.number})
                return HttpResponseRedirect(reverse("cases:detail", args=[case.number]))
    return render(request, "licensing/application_new.html", {"form": form})


@route_scope(roles=roles_with("licensing.decide"), obj="cases.case", methods=("POST",))
def appraisal_step(request: HttpRequest, number: str) -> HttpResponse:
    """Schedule the appraisal session or record the (city or provincial) conclusion."""
    import datetime as dt

    from jisheng.cases.access import case_get_for_user

    from . import procedures

    case = case_get_for_user(request.user, number)
    back = HttpResponseRedirect(reverse("cases:detail", args=[case.number]))
    action = request.POST.get("action", "")
    try:
        if action == "schedule_session":
            day = dt.date.fromisoformat(request.POST.get("session_date", ""))
            procedures.appraisal_schedule(case, session_date=day, actor=request.user)
        elif action in ("record_conclusion", "record_final_conclusion"):
            procedures.appraisal_record_conclusion(case, conclusion=request.POST.get("conclusion", ""),
                                                   actor=request.user, final=action == "record_final_conclusion")
        else:
            messages.error(request, _("请选择要执行的操作。"))
            return back
    except ValueError:
        messages.error(request, _("日期格式不正确。"))
    except DomainError as exc:
        messages.error(request, for_people(exc))
    else:
        messages.success(request, _("已保存。"))
    return back
