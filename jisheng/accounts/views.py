"""Sign-in, sign-out, second factor (TOTP) and the staff list."""

from __future__ import annotations

import base64
import io

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from jisheng.core.access import in_scope, route_scope
from jisheng.core.pagination import id_cursor, id_desc_page

from .forms import TokenForm
from .models import User
from .otp import login_device
from .roles import Role, roles_with

login = route_scope(public=True, methods=("GET", "POST"))(
    auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True)
)
logout = route_scope(methods=("POST",))(auth_views.LogoutView.as_view())


def _otp_uri(device: TOTPDevice) -> str:
    return str(device.config_url)


@route_scope(methods=("GET", "POST"))
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator: show the QR code and secret, then confirm with a first code.

    Someone who has only the password of an account that already has a confirmed authenticator must not
    enrol a new one (that would replace the owner's device and pass the second factor): such a session
    is sent to the code prompt first; re-enrolment is possible once the current code has been given.
    """
    user = request.user
    has_confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if has_confirmed and not user.is_verified():  # type: ignore[union-attr]
        return redirect("accounts:otp_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save()
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            login_device(request, device)
            messages.success(request, _("双因素认证已启用。"))
            return redirect("core:workbench")
        form.add_error("token", _("验证码不正确或已过期"))
    qr = segno.make(_otp_uri(device), error="m")
    svg = io.BytesIO()
    # A standalone SVG with its namespace: svg_inline() has none, and browsers then show a broken image.
    qr.save(svg, kind="svg", scale=4, xmldecl=False)
    qr_data = "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/otp_setup.html", {"form": form, "qr_data": qr_data, "secret": secret})


@route_scope(methods=("GET", "POST"))
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the current TOTP code after the password."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                login_device(request, device)
                target = request.GET.get("next", "")
                if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                       require_https=request.is_secure()):
                    target = ""  # never send a freshly verified session to another site
                return redirect(target or "core:workbench")
        form.add_error("token", _("验证码不正确或已过期"))
    return render(request, "accounts/otp_verify.html", {"form": form})


@route_scope()
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in account: role, scope and second-factor status."""
    has_otp = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    return render(request, "accounts/profile.html", {"has_otp": has_otp})


#: Staff accounts shown a page.
STAFF_PAGE = 50


@route_scope(roles=roles_with("accounts.manage"))
def staff_list(request: HttpRequest) -> HttpResponse:
    """Staff accounts inside the administrator's area, newest first (:data:`STAFF_PAGE` a page by keyset on the id:
    "next" carries ``before``, "previous" ``newer``; a cursor that is not an id shows the first page). One query
    for the accounts with their areas, whatever their number."""
    page = id_desc_page(in_scope(User.objects.select_related("area"), request.user),
                        after=id_cursor(request.GET, "before"), newer=id_cursor(request.GET, "newer"), size=STAFF_PAGE)
    return render(request, "accounts/staff_list.html", {
        "staff": page.rows, "roles": Role, "next_before": page.next_cursor, "previous_newer": page.previous_cursor})
