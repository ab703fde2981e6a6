"""``jisheng mask --kind name|id|phone|text VALUE``: print VALUE masked by the one masking module (contract §3)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jisheng.core import masking

_KINDS = {"name": masking.mask_name, "id": masking.mask_id_number, "phone": masking.mask_phone}


class Command(BaseCommand):
    help = "Mask a name, citizen ID number, phone number or free text exactly as exports and public pages do."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", choices=["name", "id", "phone", "text"], required=True)
        parser.add_argument("--names", default="", help="for --kind text: comma-separated names to mask")
        parser.add_argument("value")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, value = options["kind"], options["value"]
        if kind == "text":
            names = [n for n in options["names"].split(",") if n]
            self.stdout.write(masking.mask_text(value, names=names))
        else:
            self.stdout.write(_KINDS[kind](value))
