"""``jisheng api-token``: API tokens for machine clients (contract §7).

    jisheng api-token create --name NAME --scope petitions   print a new token once (stdout, alone on its line)
    jisheng api-token revoke --name NAME                     refuse the token from the next call on
    jisheng api-token list [--active]                        name, scope, prefix, created, last used, revoked

The token is stored only as its SHA-256 digest: it cannot be shown again, only revoked and replaced. ``create``
writes the token alone on stdout (so ``TOKEN=$(jisheng api-token create …)`` captures it) and the hint on stderr.
Exit code 2 with a message for an unknown scope, a name already used by an active token, or an unknown name.
The command acts as the system (an administrator at the server's shell); every change is audited.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisheng.api.models import ApiScope
from jisheng.core import audit, clock
from jisheng.core.errors import DomainError


def _when(value: Any) -> str:
    return clock.local(value).strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = "Create, revoke and list API tokens (contract §7); a new token is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("--name", required=True, help="what the token is for, e.g. 12345-platform")
        create.add_argument("--scope", required=True, help=f"one of: {', '.join(ApiScope.values)}")
        revoke = sub.add_parser("revoke", help="revoke the active token of that name")
        revoke.add_argument("--name", required=True)
        listing = sub.add_parser("list", help="list tokens (never the token itself)")
        listing.add_argument("--active", action="store_true", help="only tokens not revoked")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with audit.context(actor=None):
                getattr(self, "_" + options["action"])(options)
        except DomainError as exc:
            raise CommandError(str(exc), returncode=2) from exc

    def _create(self, options: dict[str, Any]) -> None:
        from jisheng.api.services import api_token_create

        token, raw = api_token_create(name=options["name"], scope=options["scope"], actor=None)
        self.stdout.write(raw)
        self.stderr.write(f"接口令牌 {token.name}（{token.scope}，前缀 {token.prefix}）已创建。令牌只显示这一次，"
                          f"请立即交给对方系统保存；遗失后只能吊销并重新创建：jisheng api-token revoke --name "
                          f"{token.name}")

    def _revoke(self, options: dict[str, Any]) -> None:
        from jisheng.api.services import api_token_revoke

        token = api_token_revoke(name=options["name"], actor=None)
        self.stdout.write(f"接口令牌 {token.name}（前缀 {token.prefix}）已于 {_when(token.revoked_at)} 吊销。")

    def _list(self, options: dict[str, Any]) -> None:
        from jisheng.api.selectors import api_tokens

        self.stdout.write("\t".join(["name", "scope", "prefix", "created", "last_used", "revoked"]))
        for t in api_tokens(include_revoked=not options["active"]):
            self.stdout.write("\t".join([t.name, t.scope, t.prefix, _when(t.created_at), _when(t.last_used_at),
                                         _when(t.revoked_at)]))
