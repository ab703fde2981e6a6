"""Demo accounts are for demonstrations only (issue 11): under production settings (``JISHENG_DEMO_ACCOUNTS`` off)
they cannot sign in and a session of one opened earlier no longer counts; the demo administrator's authenticator
secret is made for each installation, never the published RFC 6238 test key, and ``jisheng otp_code admin`` still
prints its code."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jisheng.accounts.demo import DEMO_PASSWORD, create_demo_staff
from jisheng.accounts.models import User

#: The secret of RFC 6238's test vectors ("12345678901234567890"), which anyone can look up.
RFC_TEST_KEY = "3132333435363738393031323334353637383930"


def _sign_in(client: Client, username: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD})


@pytest.mark.django_db
def test_demo_accounts_cannot_sign_in_unless_the_installation_allows_them(settings: Any) -> None:
    create_demo_staff(seed=7)
    settings.JISHENG_DEMO_ACCOUNTS = True
    allowed = Client()
    assert _sign_in(allowed, "town3").status_code == 302
    assert allowed.get(reverse("core:workbench")).status_code == 200
    settings.JISHENG_DEMO_ACCOUNTS = False
    refused = _sign_in(Client(), "town3")
    assert refused.status_code == 200 and not refused.wsgi_request.user.is_authenticated
    # the session opened while demo accounts were allowed no longer signs anyone in
    response = allowed.get(reverse("core:workbench"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    # a real account with the same password scheme still signs in
    real = User.objects.create(username="zhang", role="town_officer", area=User.objects.get(username="town3").area)
    real.set_password("a-real-password-1")
    real.save()
    ok = Client().post(reverse("accounts:login"), {"username": "zhang", "password": "a-real-password-1"})
    assert ok.status_code == 302


def _setting(module: str, **env: str) -> str:
    import os
    import subprocess
    import sys
    from pathlib import Path

    environ = {k: v for k, v in os.environ.items() if k != "JISHENG_DEMO_ACCOUNTS"}
    environ.update({"DJANGO_SETTINGS_MODULE": module, "DJANGO_SECRET_KEY": "p" * 20 + "Q9#x" * 10 + "z" * 20,
                    "DJANGO_ALLOWED_HOSTS": "jisheng.example.org", **env})
    code = "import django; django.setup(); from django.conf import settings; print(settings.JISHENG_DEMO_ACCOUNTS)"
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[3], env=environ,  # noqa: S603
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.strip()


def test_production_settings_leave_demo_accounts_off_unless_asked() -> None:
    assert _setting("config.settings.production") == "False"
    assert _setting("config.settings.production", JISHENG_DEMO_ACCOUNTS="1") == "True"  # a demonstration server
    assert _setting("config.settings.local") == "True"  # make run


@pytest.mark.django_db
def test_the_demo_administrators_secret_is_made_per_installation_and_otp_code_prints_its_code() -> None:
    create_demo_staff(seed=7)
    device = TOTPDevice.objects.get(user__username="admin")
    assert device.key != RFC_TEST_KEY and len(device.key) == 40
    first = device.key
    TOTPDevice.objects.all().delete()
    User.objects.filter(is_demo=True).delete()
    create_demo_staff(seed=7)
    assert TOTPDevice.objects.get(user__username="admin").key != first  # another installation, another secret
    out = StringIO()
    call_command("otp_code", "admin", stdout=out)
    device = TOTPDevice.objects.get(user__username="admin")
    assert out.getvalue().strip() == f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.django_db
def test_an_installation_made_with_the_published_key_gets_a_new_one() -> None:
    create_demo_staff(seed=7)
    TOTPDevice.objects.filter(user__username="admin").update(key=RFC_TEST_KEY)
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert TOTPDevice.objects.get(user__username="admin").key != RFC_TEST_KEY
    import base64

    assert base64.b32encode(bytes.fromhex(RFC_TEST_KEY)).decode() not in out.getvalue()
