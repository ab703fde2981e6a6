from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Accounts (账户): staff users, roles, area scope, sign-in and second factor."""

    name = "jisheng.accounts"
    label = "accounts"
    verbose_name = _("账户")

    def ready(self) -> None:
        from jisheng.core import reference

        from . import signals  # noqa: F401
        from .demo import demo_step
        from .otp import connect_signals

        connect_signals()

        reference.register_demo("staff", demo_step, order=20)
