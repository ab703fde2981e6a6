"""``jisheng load_areas``: load the area tree and the GB/T 2260 address codes (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jisheng.core.areas import load_address_codes, load_areas
from jisheng.core.errors import DomainError


class Command(BaseCommand):
    help = "Load administrative areas and address codes from jisheng/core/data/."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.stdout.write(f"{load_areas()} areas, {load_address_codes()} address codes")
        except DomainError as exc:
            raise CommandError(str(exc), returncode=2) from exc
