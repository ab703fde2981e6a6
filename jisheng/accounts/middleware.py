"""Second factor: accounts whose role requires it must verify a TOTP code before using the platform."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .roles import SECOND_FACTOR_REQUIRED

_EXEMPT_PREFIXES = ("/static/", "/i18n/", "/portal/", "/api/v1/public/")


def second_factor_required(user: object) -> bool:
    """Return True when ``user`` must pass a TOTP check (administrators and superusers)."""
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in SECOND_FACTOR_REQUIRED)


class RequireSecondFactorMiddleware:
    """Send signed-in users who need a second factor to set it up or to enter a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            exempt = {reverse("accounts:otp_setup"), reverse("accounts:otp_verify"), reverse("accounts:logout")}
            if request.path not in exempt and not request.path.startswith(_EXEMPT_PREFIXES):
                from django_otp.plugins.otp_totp.models import TOTPDevice

                # Staff who chose to enrol an authenticator are asked for it too: otherwise the
                # second factor they were offered would protect nothing.
                has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
                if has_device:
                    return redirect("accounts:otp_verify")
                if second_factor_required(user):
                    return redirect("accounts:otp_setup")
        return self.get_response(request)
