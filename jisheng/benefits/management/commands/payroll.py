"""``jisheng payroll``: payment rolls from the command line (contract §4).

    jisheng payroll generate --programme special-assistance --month 2026-11 [--area 320585] [--as USER]
    jisheng payroll export --roll ID --format xlsx|csv|fixed [--layout KEY] [--out FILE]
    jisheng payroll import-returns --roll ID FILE
    jisheng payroll retry --roll ID     (refused: failed payments are sent again from the roll page, with a
                                         corrected account, after another finance officer approves)

Every subcommand is idempotent. Exit code 0 on success, 2 on bad input with a message naming what is
wrong. The CLI acts as the system (no signed-in actor), except that ``generate --as USER`` names the finance
officer who generates the roll: recorded as its maker (制表人), so that another officer approves it (web UI). A
roll generated without ``--as`` names no maker and cannot be approved until an officer generates it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisheng.core import audit, clock
from jisheng.core.errors import DomainError
from jisheng.core.models import Area

DEFAULT_AREA = "320585"


class Command(BaseCommand):
    help = "Generate payment rolls, export bank files and import bank return files (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="generate (or resume) the roll of a programme and month")
        gen.add_argument("--programme", required=True)
        gen.add_argument("--month", required=True, help="YYYY-MM")
        gen.add_argument("--area", default=None, help="payer area code (default: the installation's county)")
        gen.add_argument("--chunk-size", type=int, default=None)
        gen.add_argument("--as", dest="as_user", default=None, metavar="USER",
                         help="username of the finance officer generating the roll (recorded as its maker)")
        exp = sub.add_parser("export", help="write the roll's bank file")
        exp.add_argument("--roll", type=int, required=True)
        exp.add_argument("--format", choices=["xlsx", "csv", "fixed"], default="xlsx")
        exp.add_argument("--layout", default=None, help="bank layout key (data/bank_layouts.yaml)")
        exp.add_argument("--out", default=None, help="file to write (default: roll-ID-batch-N.EXT)")
        imp = sub.add_parser("import-returns", help="apply the bank's return file")
        imp.add_argument("--roll", type=int, required=True)
        imp.add_argument("file")
        retry = sub.add_parser("retry", help="refused: send failed lines again from the roll page (corrected "
                                             "account, approved by a second finance officer)")
        retry.add_argument("--roll", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with audit.context(actor=None):
                getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as exc:
            raise CommandError(str(exc), returncode=2) from exc

    def _roll(self, pk: int) -> Any:
        from jisheng.benefits.models import PaymentRoll

        try:
            return PaymentRoll.objects.select_related("area").get(pk=pk)
        except PaymentRoll.DoesNotExist:
            raise CommandError(f"--roll: no payment roll {pk}", returncode=2) from None

    def _generate(self, options: dict[str, Any]) -> None:
        from jisheng.benefits import payroll, rules, services

        try:
            month = rules.parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(f"--month: {exc}", returncode=2) from None
        config = getattr(settings, "JISHENG", {})
        code = options["area"] or config.get("BENEFITS_PAYER_CODE") or config.get("DEMO_COUNTY_CODE", DEFAULT_AREA)
        area = Area.objects.filter(code=code).first()
        if area is None:
            raise CommandError(f"--area: no area with code {code}", returncode=2)
        maker = self._operator(options["as_user"])
        with audit.context(actor=maker):
            roll = services.roll_open(programme=options["programme"], month=month, area=area, actor=maker)
            run = services.roll_generate(roll, actor=maker, chunk_size=options["chunk_size"] or payroll.CHUNK_SIZE)
        roll.refresh_from_db()
        self.stdout.write(f"roll {roll.pk}: {roll} [{roll.get_status_display()}] {roll.line_count} lines, "
                          f"total {roll.total_amount} yuan ({run.message})")

    def _operator(self, username: str | None) -> Any:
        """The active account named by ``--as`` that may prepare payment rolls, or None (the system) without it."""
        if not username:
            return None
        from jisheng.accounts.models import User

        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"--as: no active account {username!r}", returncode=2)
        if not user.has_capability("benefits.prepare_roll"):
            raise CommandError(f"--as: {username} may not prepare payment rolls (benefits.prepare_roll)",
                               returncode=2)
        return user

    def _export(self, options: dict[str, Any]) -> None:
        from jisheng.benefits import bankfiles, services

        roll = self._roll(options["roll"])
        layout = bankfiles.layout_for(key=options["layout"], fmt=options["format"])
        batch = services.roll_export(roll, layout=layout, actor=None)
        content = services.render_batch(batch, layout=layout)
        out = Path(options["out"] or f"roll-{roll.pk}-batch-{batch.number}.{layout.extension}")
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(content)
        tmp.replace(out)
        # every file written holds names and accounts: audited like a download from the roll page
        audit.record_export(object_type="benefits.rollline", count=batch.line_count, fmt=layout.format,
                            filters={"roll": roll.pk, "batch": batch.number, "layout": layout.key, "out": out.name})
        self.stdout.write(f"roll {roll.pk} batch {batch.number}: {batch.line_count} lines, total "
                          f"{batch.total_amount} yuan → {out}")

    def _import_returns(self, options: dict[str, Any]) -> None:
        from jisheng.benefits import services

        roll = self._roll(options["roll"])
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read ({exc.strerror})", returncode=2) from None
        before = roll.return_imports.count()
        record = services.roll_import_returns(roll, content=content, filename=path.name, actor=None)
        if roll.return_imports.count() == before:
            self.stdout.write(f"roll {roll.pk}: {path.name} was already imported as {record.filename} "
                              f"({clock.local(record.imported_at):%Y-%m-%d %H:%M}); nothing changed")
            return
        self.stdout.write(f"roll {roll.pk}: paid {record.paid}, failed {record.failed}, unchanged {record.unchanged}")

    def _retry(self, options: dict[str, Any]) -> None:
        from jisheng.benefits import services

        roll = self._roll(options["roll"])
        n = services.roll_retry_failed(roll, actor=None)
        self.stdout.write(f"roll {roll.pk}: {n} failed lines queued for a new bank file")
