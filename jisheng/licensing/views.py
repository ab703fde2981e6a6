"""Staff licensing pages: register a birth-approval application (the case page itself is the case engine's)."""

from __future__ import annotations

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
from jisheng.core.errors import DomainError
from jisheng.registry.access import persons_for_user
from jisheng.registry.selectors import person_by_id_number

from . import services
from .forms import QuestionnaireForm

REGISTRARS = roles_with("cases.change") | roles_with("cases.register")


class RegisterForm(forms.Form):
    wife_id_number = forms.CharField(label=_l("女方公民身份号码"), max_length=18)
    husband_id_number = forms.CharField(label=_l("男方公民身份号码"), max_length=18)
    application_date = forms.DateField(label=_l("申请日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_special = forms.BooleanField(label=_l("特殊案件（需附三项记录并经法制审核）"), required=False)
    special_reason = forms.CharField(label=_l("特殊案件事由"), required=False, max_length=255)


@route_scope(roles=REGISTRARS, methods=("GET", "POST"))
def birth_approval_new(request: HttpRequest) -> HttpResponse:
    """Register a birth-approval application: the couple from the registry, plus the questionnaire."""
    form = RegisterForm(request.POST or None, initial={"application_date": clock.today()}, prefix="reg")
    questions = QuestionnaireForm(request.POST or None, prefix="q")
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        d = form.cleaned_data
        people = persons_for_user(request.user)
        wife = person_by_id_number(d["wife_id_number"])
        husband = person_by_id_number(d["husband_id_number"])
        if wife is None or not people.filter(pk=wife.pk).exists():
            form.add_error("wife_id_number", _("本辖区人口信息中没有此人"))
        elif husband is None:
            form.add_error("husband_id_number", _("人口信息中没有此人"))
        else:
            facts = questions.facts()
            facts.pop("application_date", None)
            try:
                case = services.birth_approval_register(
                    wife=wife, husband=husband, application_date=d["application_date"], facts=facts,
                    is_special=d["is_special"], special_reason=d["special_reason"], actor=request.user)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已登记，案号 %(n)s") % {"n": case.number})
                return HttpResponseRedirect(reverse("cases:detail", args=[case.number]))
    return render(request, "licensing/birth_approval_new.html", {"form": form, "questions": questions})
