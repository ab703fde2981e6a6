"""``jisheng otp_code USERNAME``: print the current TOTP code of a demo account (demo accounts only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account's authenticator (refuses real accounts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        device = TOTPDevice.objects.filter(user__username=options["username"], user__is_demo=True,
                                           confirmed=True).first()
        if device is None:
            raise CommandError("no confirmed authenticator for that demo account", returncode=2)
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
