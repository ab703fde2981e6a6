"""Security baseline: lockout, second factor for administrators, CSP, sessions, deploy check."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jisheng.accounts.roles import Role
from jisheng.core.models import Area

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_five_failed_sign_ins_lock_the_account_even_with_the_right_password(town_a: Area, make_user: Any) -> None:
    user = make_user(Role.TOWN_OFFICER, town_a)
    user.set_password("correct-horse-1")
    user.save()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "nope"})
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "correct-horse-1"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_good_password_signs_in_before_the_limit(town_a: Area, make_user: Any) -> None:
    user = make_user(Role.TOWN_OFFICER, town_a)
    user.set_password("correct-horse-1")
    user.save()
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.username, "password": "nope"})
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "correct-horse-1"})
    assert response.status_code == 302 and response["Location"] == reverse("core:workbench")


@pytest.mark.django_db
def test_administrators_must_pass_a_totp_code(county: Area, make_user: Any) -> None:
    admin = make_user(Role.CITY_ADMIN, county)
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("core:workbench"))["Location"] == reverse("accounts:otp_setup")
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    assert client.get(reverse("core:workbench"))["Location"] == reverse("accounts:otp_verify")
    assert client.post(reverse("accounts:otp_verify"), {"token": "000000"}).status_code == 200
    device.refresh_from_db()
    device.throttle_reset()  # a failed code throttles the next try for a second
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    response = client.post(reverse("accounts:otp_verify"), {"token": f"{code:06d}"})
    assert response.status_code == 302
    assert client.get(reverse("core:workbench")).status_code == 200


@pytest.mark.django_db
def test_other_staff_are_offered_but_not_forced_to_use_totp(town_a: Area, make_user: Any) -> None:
    client = Client()
    client.force_login(make_user(Role.TOWN_OFFICER, town_a))
    assert client.get(reverse("core:workbench")).status_code == 200
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:otp_setup") in page
    setup = client.get(reverse("accounts:otp_setup"))
    assert setup.status_code == 200 and "data:image/svg+xml;base64," in setup.content.decode()


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy() -> None:
    response = Client().get(reverse("portal:home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    body = response.content.decode()
    assert "<script>" not in body and 'style="' not in body and "http://" not in body.replace("http://www.w3", "")


def test_sessions_expire_and_cookies_are_guarded() -> None:
    # Idle expiry stays two hours; the expiry is pushed every few minutes, not on every request (issue 17).
    assert settings.SESSION_COOKIE_AGE == 7200 and not settings.SESSION_SAVE_EVERY_REQUEST
    assert 0 < settings.JISHENG_SESSION_REFRESH_AFTER <= 10 * 60
    assert "jisheng.accounts.middleware.SessionRefreshMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_HTTPONLY


@pytest.mark.django_db
def test_csrf_is_enforced_on_forms(town_a: Area, make_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403


#: Operational warnings, not deployment faults: the working-day calendar lacks next year (from 1 December) or
#: this year's entered notice differs from a newer chinesecalendar release. They depend on the date, not on the
#: settings, so the deploy check ignores them and fails on every other warning.
OPERATIONAL_WARNINGS = {"law.W001", "law.W002"}


def test_deploy_check_is_clean_with_production_settings() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "DJANGO_SECRET_KEY": "k" * 20 + "Q9#x" * 10 + "z" * 20, "DJANGO_ALLOWED_HOSTS": "jisheng.example.org"}
    result = subprocess.run([sys.executable, "-m", "jisheng", "check", "--deploy", "--fail-level", "ERROR"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    reported = set(re.findall(r"\(([a-z_]+\.[EWCI]\d{3})\)", output))
    assert reported <= OPERATIONAL_WARNINGS, output
    assert "no issues" in output or reported, output


def test_the_deploy_check_still_fails_on_a_real_warning() -> None:
    """The filter above must not hide deployment faults: a weak secret key (one distinct character) is reported."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "jisheng.example.org"}
    result = subprocess.run([sys.executable, "-m", "jisheng", "check", "--deploy", "--fail-level", "ERROR"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    reported = set(re.findall(r"\(([a-z_]+\.[EWCI]\d{3})\)", result.stdout + result.stderr))
    assert result.returncode == 0 and "security.W009" in reported and not reported <= OPERATIONAL_WARNINGS


def test_production_settings_refuse_a_missing_secret() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_ALLOWED_HOSTS": "x.example.org"})
    result = subprocess.run([sys.executable, "-m", "jisheng", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_a_password_alone_cannot_enrol_a_new_authenticator_over_the_confirmed_one(
        county: Area, make_user: Any) -> None:
    """Regression: /accounts/otp/setup/ used to hand a password-only session a fresh secret whose first code
    confirmed it, deleted the owner's device and passed the second factor."""
    admin = make_user(Role.CITY_ADMIN, county)
    owner_device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client = Client()
    client.force_login(admin)
    response = client.get(reverse("accounts:otp_setup"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_verify")
    assert client.post(reverse("accounts:otp_setup"), {"token": "123456"})["Location"] == reverse(
        "accounts:otp_verify")
    assert list(TOTPDevice.objects.filter(user=admin)) == [owner_device]
    assert client.get(reverse("core:workbench"))["Location"] == reverse("accounts:otp_verify")
    # Once the owner's code is given, re-enrolment is allowed.
    code = totp(owner_device.bin_key, step=owner_device.step, t0=owner_device.t0, digits=owner_device.digits)
    assert client.post(reverse("accounts:otp_verify"), {"token": f"{code:06d}"}).status_code == 302
    assert client.get(reverse("accounts:otp_setup")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("next_url", "expected"), [
    ("https://evil.example/phish", "/"),
    ("//evil.example/phish", "/"),
    ("/law/", "/law/"),
])
def test_the_code_prompt_redirects_only_inside_the_site(county: Area, make_user: Any, next_url: str,
                                                         expected: str) -> None:
    """Regression: ``?next=`` on the TOTP prompt was followed to any site (open redirect)."""
    admin = make_user(Role.CITY_ADMIN, county)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client = Client()
    client.force_login(admin)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    response = client.post(reverse("accounts:otp_verify") + "?next=" + next_url, {"token": f"{code:06d}"})
    assert response.status_code == 302 and response["Location"] == expected


@pytest.mark.django_db
def test_staff_who_enrolled_an_authenticator_are_asked_for_its_code(town_a: Area, make_user: Any) -> None:
    """A town officer is not forced to enrol, but once they have, a password alone no longer signs them in."""
    officer = make_user(Role.TOWN_OFFICER, town_a)
    client = Client()
    client.force_login(officer)
    assert client.get(reverse("core:workbench")).status_code == 200
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client = Client()
    client.force_login(officer)
    assert client.get(reverse("core:workbench"))["Location"] == reverse("accounts:otp_verify")


@pytest.mark.django_db
def test_the_authenticator_qr_code_is_a_standalone_svg_a_browser_can_show(town_a: Area, make_user: Any) -> None:
    """Regression: the QR code was segno's inline SVG without the SVG namespace, which a browser shows as a
    broken image in <img src="data:…">, so nobody could scan it."""
    import base64
    import re
    from xml.etree import ElementTree

    client = Client()
    client.force_login(make_user(Role.TOWN_OFFICER, town_a))
    page = client.get(reverse("accounts:otp_setup")).content.decode()
    encoded = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    assert encoded is not None
    root = ElementTree.fromstring(base64.b64decode(encoded.group(1)))  # noqa: S314  (our own output)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.django_db
def test_nul_characters_are_refused_with_400_before_any_query(town_a: Area, make_user: Any) -> None:
    client = Client()
    client.force_login(make_user(Role.TOWN_OFFICER, town_a))
    assert client.get(reverse("core:audit_list"), {"actor": "a\x00b"}).status_code == 400
    assert client.post(reverse("accounts:login"), "username=x%00&password=y",
                       content_type="application/x-www-form-urlencoded").status_code == 400
    assert client.get(reverse("core:workbench"), {"q": "ok"}).status_code == 200
