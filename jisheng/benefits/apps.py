from typing import Any

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
        from jisheng.law.citations import register_cited_keys, register_citer

        register_citer("benefits", programme_citations)
        register_cited_keys("benefits", cited_keys)
        from .demo import demo_step

        reference.register_demo("benefits", demo_step, order=60)
        from jisheng.registry import hooks

        from .services import registry_event_apply

        hooks.on_life_event("benefits", registry_event_apply)


def programme_citations(provision_key: str) -> list[Any]:
    """The benefit programmes resting on ``provision_key`` (for the provision page)."""
    from django.urls import reverse

    from jisheng.law.citations import Citation

    from .programmes import all_programmes

    return [Citation(kind="奖励扶助项目", title=p.name, url=reverse("benefits:home"),
                     detail="依据：" + "；".join(r.title for r in p.provisions if r.key == provision_key))
            for p in all_programmes().values() if any(r.key == provision_key for r in p.provisions)]


def cited_keys() -> list[tuple[str, str]]:
    """Every provision key the programmes cite (start-up check law.E004)."""
    from .programmes import all_programmes

    return [(r.key, f"benefits/data/programmes.yaml {p.key}") for p in all_programmes().values() for r in p.provisions
            if r.key]
