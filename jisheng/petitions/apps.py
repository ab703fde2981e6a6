from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    """Petitions (信访): the petition case type on the engine, assignments, replies, follow-ups, watch lists."""

    name = "jisheng.petitions"
    label = "petitions"
    verbose_name = _("信访")

    def ready(self) -> None:
        from jisheng.law.citations import register_cited_keys

        from .casetypes import cited_keys, register_all

        register_all()
        register_cited_keys("petitions", cited_keys)
        from jisheng.core import reference

        from .demo import demo_step

        reference.register_demo("petitions", demo_step, order=80)
        # staff UI: the navigation entry (the clerk's to-do is the module's home) and the towns' assignments on
        # the workbench
        from jisheng.core import modules

        from .views import workbench_items

        modules.register(modules.Module("petitions", _("信访"), "petitions:todo", "petitions.view", 50))
        # reminders of an assignment's answer clock reach the assigned town's officers too
        from jisheng.cases import reminders as case_reminders

        from . import reminders

        case_reminders.register_recipients("petition", reminders.recipients, link=reminders.link)
        modules.register_workbench(workbench_items)
