"""The petition panel on the engine's case page: ``{% petition_panel as p %}`` reads what the panel shows (the
engine's case page knows nothing of petitions; its context gives the case, the viewer and the actions open to
them)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def petition_panel(context: template.Context) -> dict[str, Any]:
    """The panel's data for the case page's ``case`` and viewer (:func:`jisheng.petitions.views.panel_context`)."""
    from jisheng.petitions.views import panel_context

    payload = [a["action"] for a in context.get("payload_actions") or [] if not a.get("blocked")]
    steps = [a["action"] for a in context.get("actions") or [] if not a.get("blocked")]
    return panel_context(context["request"], context["case"], open_actions=set(payload) | set(steps),
                         blocked={a["action"]: a["blocked"] for a in [*(context.get("payload_actions") or []),
                                                                     *(context.get("actions") or [])]
                                  if a.get("blocked")},
                         can_decide=bool(context.get("can_decide")) and not context.get("decide_blocked"))


@register.filter
def for_viewer(text: Any, names: Any) -> str:
    """``text`` as the viewer may read it: as written for those who handle the petition (``names`` None), else with
    every ID number and phone masked and each of ``names`` (the parties') masked to the surname
    (:func:`jisheng.core.masking.mask_text`, contract §3) — as the engine masks the parties for them."""
    from jisheng.core.masking import mask_text

    text = "" if text is None else str(text)
    return text if names is None else mask_text(text, names=names)
