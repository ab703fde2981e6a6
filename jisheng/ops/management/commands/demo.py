"""``jisheng demo [--seed S] [--persons N] [--if-empty]``: fill the demo municipality (Taicang).

Deterministic for a seed. Each step is idempotent; ``--if-empty`` skips everything when demo staff
accounts already exist, so ``make run`` keeps existing data.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jisheng.accounts.backends import demo_accounts_allowed
from jisheng.accounts.demo import DEMO_PASSWORD, renew_published_keys
from jisheng.accounts.models import User
from jisheng.core import reference
from jisheng.core.models import AreaLevel


class Command(BaseCommand):
    help = "Create the demo municipality: villages, staff accounts and (as modules land) people and cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2013, help="random seed (default 2013)")
        parser.add_argument("--persons", type=int, default=20000, help="demo population size (default 20000)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when demo data already exists")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and User.objects.filter(is_demo=True).exists():
            self.stdout.write("Demo data already present; keeping it.")
        else:
            for step in reference.demo_steps():
                summary = step.func(seed=options["seed"], options=options, stdout=self.stdout)
                self.stdout.write(f"  {step.name}: {summary}")
        if renew_published_keys():  # an installation made when the demo used RFC 6238's published test key
            self.stdout.write("  The demo administrator's authenticator had a published secret; it has a new one.")
        self.print_accounts()

    def print_accounts(self) -> None:
        import base64

        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user__is_demo=True, user__username="admin", confirmed=True).first()
        secret = base64.b32encode(device.bin_key).decode() if device is not None else ""
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for user in User.objects.filter(is_demo=True).select_related("area__parent").order_by("id"):
            area = user.area.name if user.area else ""
            if user.area is not None and user.area.level == AreaLevel.VILLAGE and user.area.parent is not None:
                area = f"{user.area.parent.name} {area}"
            self.stdout.write(f"  {user.username:<10} {user.get_role_display():<16} {area}")
        if secret:
            self.stdout.write(f"The administrator also needs a TOTP code: authenticator secret {secret} (made for "
                              "this installation),")
            self.stdout.write("or print the current code with: .venv/bin/jisheng otp_code admin")
        if not demo_accounts_allowed():
            self.stdout.write("These settings do not let demo accounts sign in (set JISHENG_DEMO_ACCOUNTS=1 for a "
                              "demonstration server).")
