from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Cases (案件): the case engine shared by every procedure."""

    name = "jisheng.cases"
    label = "cases"
    verbose_name = _("案件")

    def ready(self) -> None:
        from jisheng.core import modules

        from .workbench import workbench_items

        modules.register_workbench(workbench_items)
