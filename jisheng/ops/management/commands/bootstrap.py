"""``jisheng bootstrap``: load all reference data (areas, address codes, law, calendar…). Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jisheng.core import reference
from jisheng.core.errors import DomainError


class Command(BaseCommand):
    help = "Load the reference data every installation needs (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            for line in reference.run_loaders(self.stdout):
                self.stdout.write(f"  {line}")
        except DomainError as exc:
            raise CommandError(str(exc), returncode=2) from exc
