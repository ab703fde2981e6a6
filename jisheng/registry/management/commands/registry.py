"""``jisheng registry import FILE [--mode all|valid] [--dry-run] [--json]`` (contract §6).

Reads an .xlsx or .csv roster (UTF-8, UTF-8 with BOM, GBK, GB18030 or UTF-16, detected), checks every
row and imports people into the installation's area. Exit code 0 when the file was read (row errors
included), 2 when the file itself cannot be read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisheng.core import audit
from jisheng.core.errors import InvalidInput
from jisheng.core.models import Area


class Command(BaseCommand):
    help = "Registry tasks. `registry import FILE` imports a roster (花名册)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a roster file (.xlsx or .csv)")
        imp.add_argument("file")
        imp.add_argument("--mode", choices=["all", "valid"], default="valid",
                         help="all: import nothing if any row is bad; valid (default): import the good rows")
        imp.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        imp.add_argument("--json", action="store_true", help="print the outcome as JSON")
        imp.add_argument("--area", default="", help="area code the rows must lie in (default: the city)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self.do_import(options)

    def do_import(self, options: dict[str, Any]) -> None:
        from jisheng.registry.services import roster_import_file

        path = Path(options["file"])
        code = options["area"] or str(settings.JISHENG["CITY_CODE"])
        scope = Area.objects.filter(code=code).first()
        if scope is None:
            self.stderr.write(f"未知的地区代码：{code}（请先运行 jisheng bootstrap）")
            raise SystemExit(2)
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.stderr.write(f"{path}: 无法读取文件：{exc.strerror}")
            raise SystemExit(2) from None
        try:
            with audit.context(actor=None):
                outcome = roster_import_file(filename=path.name, data=data, scope=scope, actor=None,
                                             mode=options["mode"], dry_run=options["dry_run"])
        except InvalidInput as exc:
            self.stderr.write(str(exc))
            raise SystemExit(2) from None
        except CommandError:
            raise
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False))
            return
        self.stdout.write(f"{path.name} ({outcome.encoding}): {outcome.rows} 行，新增或更新 {outcome.imported}，"
                          f"无变化 {outcome.unchanged}，错误 {len(outcome.errors)} 处")
        for e in outcome.errors:
            self.stdout.write(f"  第 {e['row']} 行 {e['column']}：{e['problem']}")
