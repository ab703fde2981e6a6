"""``jisheng fonts fetch|check``: the vendored document fonts (docs/adr/0044)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisheng.core import fonts


class Command(BaseCommand):
    help = "Fetch (once) and verify the pinned open fonts official documents are printed with."
    requires_system_checks: list[str] = []  # the font check is what this command repairs

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["fetch", "check"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "fetch":
            try:
                count = fonts.fetch(log=self.stdout.write)
            except fonts.FontError as exc:
                raise CommandError(str(exc)) from exc
            if count:
                self.stdout.write(f"fonts: {count} package(s) fetched into {fonts.font_dir()}")
            return
        found = fonts.problems()
        if found:
            raise CommandError("; ".join(found))
        self.stdout.write(f"fonts: all present and unchanged in {fonts.font_dir()}")
