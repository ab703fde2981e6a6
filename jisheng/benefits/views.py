from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jisheng.accounts.roles import roles_with
from jisheng.core.access import route_scope


@route_scope(roles=roles_with("benefits.view"))
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "benefits/home.html", {})
