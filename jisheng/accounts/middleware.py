"""Signed-in requests: the session's idle expiry, and the second factor (TOTP) remembered in the session.

Accounts whose role requires it must verify a TOTP code before using the platform; so must staff who enrolled
an authenticator. Neither check reads the device table on an ordinary request (see :mod:`jisheng.accounts.otp`),
and the session is written only when its expiry needs pushing (:class:`SessionRefreshMiddleware`).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from . import backends, otp
from .roles import SECOND_FACTOR_REQUIRED

_EXEMPT_PREFIXES = ("/static/", "/portal/", "/api/v1/public/")

#: Session key of the time (POSIX seconds, from :func:`wall_seconds`) the session's expiry was last pushed.
REFRESHED_KEY = "jisheng_refreshed"


def wall_seconds() -> float:
    """Return the real time in POSIX seconds.

    Session idle time is measured on the same clock as the session store's own expiry (``timezone.now()``), never on
    ``core.clock``: the suite freezes that clock and moves it by days within one signed-in test, which must not
    sign the test's user out.
    """
    return time.time()


def second_factor_required(user: object) -> bool:
    """Return True when ``user`` must pass a TOTP check (administrators and superusers)."""
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in SECOND_FACTOR_REQUIRED)


class SessionRefreshMiddleware:
    """Push a session's expiry only when it was last pushed ``JISHENG_SESSION_REFRESH_AFTER`` seconds ago or more.

    Replaces ``SESSION_SAVE_EVERY_REQUEST`` (a session write and commit on every signed-in request). The session
    keeps the time it was last saved (:data:`REFRESHED_KEY`); a request finding it older than the threshold marks
    the session modified, so ``SessionMiddleware`` saves it and the store's expiry moves to now +
    ``SESSION_COOKIE_AGE``. A session idle for longer than ``SESSION_COOKIE_AGE`` since that time is ended here
    (and its store entry has expired as well), so idle sessions end between ``SESSION_COOKIE_AGE`` minus the
    threshold and ``SESSION_COOKIE_AGE`` after the last request. Requests without a session cookie are left alone:
    no session is created for them.

    Must come right after ``SessionMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.session_key is not None:
            stamp = session.get(REFRESHED_KEY)  # reads the session (which the user lookup needs anyway)
            now = wall_seconds()
            if isinstance(stamp, int | float):
                idle = now - stamp
                if idle > settings.SESSION_COOKIE_AGE:
                    session.flush()  # expired: the store's own expiry has passed too (or is about to)
                elif idle >= settings.JISHENG_SESSION_REFRESH_AFTER or idle < 0:
                    session.modified = True
            elif session.session_key is not None:  # a live session from before the stamp: stamp it now
                session.modified = True
        response = self.get_response(request)
        # Whatever the request changed is saved with a fresh expiry: record when (sign-in, second factor, messages).
        if session.modified and not session.is_empty():
            session[REFRESHED_KEY] = wall_seconds()
        return response


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's ``AuthenticationMiddleware`` (a lazy ``request.user``) whose user is the account row the session
    store read with the session (:mod:`jisheng.accounts.sessions`), not a second query.

    Django's ``auth.get_user`` still decides: the session's backend must be configured, the backend's ``get_user``
    (:meth:`jisheng.accounts.backends.StaffBackend.get_user`, given the row through :func:`backends.session_account`)
    refuses inactive and switched-off demo accounts, and the session hash must match the account's password.
    """

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))  # type: ignore[assignment]


def _get_user(request: HttpRequest) -> Any:
    if not hasattr(request, "_cached_user"):
        with backends.session_account(request.session):
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class SessionOTPMiddleware(OTPMiddleware):  # type: ignore[misc]  # django_otp ships no type hints
    """django_otp's ``OTPMiddleware`` (``request.user.otp_device``, ``user.is_verified()``) that trusts the session's
    remembered check while the account's ``otp_generation`` is unchanged, instead of reading the device each
    request (:mod:`jisheng.accounts.otp`). Also sets ``user.otp_has_device``: whether the account has a confirmed
    TOTP authenticator (read only for unverified sessions whose check is not remembered).
    """

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        self._init_user_fields(user)
        user.otp_has_device = False
        if not user.is_authenticated:
            return user
        known = otp.remembered(request, user)
        if known is not None:
            device_id, user.otp_has_device = known
            if device_id is not None:
                # Verified: the device object itself is read only if something asks for one of its attributes.
                user.otp_device = SimpleLazyObject(functools.partial(Device.from_persistent_id,
                                                                     self._normalize_persistent_id(device_id)))
            return user
        generation = user.otp_generation  # read with the user, before the devices
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        device = self._device_from_persistent_id(persistent_id) if persistent_id else None
        user.otp_device = self._finalize_device(request, user, device)
        user.otp_has_device = user.otp_device is not None or otp.has_confirmed_device(user)
        otp.remember(request, generation, user.otp_device.persistent_id if user.otp_device is not None else None,
                     user.otp_has_device)
        return user


@functools.cache
def _second_factor_exempt() -> frozenset[str]:
    """The paths a user who still owes a second factor may reach: setting it up, entering a code, signing out
    (resolved once per process: the URL configuration does not change while it runs)."""
    return frozenset({reverse("accounts:otp_setup"), reverse("accounts:otp_verify"), reverse("accounts:logout")})


class RequireSecondFactorMiddleware:
    """Send signed-in users who need a second factor to set it up or to enter a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not user.is_verified()
                and request.path not in _second_factor_exempt() and not request.path.startswith(_EXEMPT_PREFIXES)):
            # Staff who chose to enrol an authenticator are asked for it too: otherwise the
            # second factor they were offered would protect nothing.
            if getattr(user, "otp_has_device", None) is None:  # pragma: no cover - SessionOTPMiddleware sets it
                user.otp_has_device = otp.has_confirmed_device(user)
            if user.otp_has_device:
                return redirect("accounts:otp_verify")
            if second_factor_required(user):
                return redirect("accounts:otp_setup")
        return self.get_response(request)
