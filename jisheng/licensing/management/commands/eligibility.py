"""``jisheng eligibility birth-approval --facts FILE.json [--as-of YYYY-MM-DD]`` (contract §2).

Prints ``{"eligible", "provisions", "unmet", "missing", "materials"}`` as JSON. Exit code 2 with a
message naming the file or field on bad input (unreadable file, malformed JSON or date).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisheng.core.errors import InvalidInput


class Command(BaseCommand):
    help = "Judge eligibility under the rules in force (contract §2). Sub-command: birth-approval."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("procedure", choices=["birth-approval"])
        parser.add_argument("--facts", required=True, help="JSON file with the facts (contract §2 vocabulary)")
        parser.add_argument("--as-of", dest="as_of", help="judge on this date (default: application_date)")

    def handle(self, *args: Any, **options: Any) -> None:
        from jisheng.licensing.services import birth_approval_eligibility

        path = Path(options["facts"])
        try:
            facts = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise CommandError(f"{path}: cannot read ({exc.strerror})", returncode=2) from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})", returncode=2) from None
        if not isinstance(facts, dict):
            raise CommandError(f"{path}: the facts must be a JSON object", returncode=2)
        as_of = None
        if options.get("as_of"):
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(f"--as-of: not a date: {options['as_of']}", returncode=2) from None
        try:
            result = birth_approval_eligibility(facts, as_of=as_of)
        except InvalidInput as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False))
