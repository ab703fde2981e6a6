from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    """Benefits (奖励扶助): programmes, enrolments, reviews and postings, verifications, payment rolls."""

    name = "jisheng.benefits"
    label = "benefits"
    verbose_name = _("奖励扶助")

    def ready(self) -> None:
        from jisheng.core import modules, reference

        from . import checks  # noqa: F401
        from .selectors import workbench_items

        modules.register(modules.Module(key="benefits", label=_("奖励扶助"), url_name="benefits:home",
                                        capability="benefits.view", order=60))
        modules.register_workbench(workbench_items)
        from .demo import demo_step

        reference.register_demo("benefits", demo_step, order=60)
