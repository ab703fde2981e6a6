"""What other apps plug into the registry, which imports none of them (the layer contract in pyproject.toml).

- Life-event listeners: ``on_life_event(name, fn)`` in an app's ``AppConfig.ready()``; ``fn(event, *, actor)``
  is called inside the registry's transaction right after a death, a move out of the city or a divorce is
  recorded (:data:`NOTIFIED_KINDS`), so the consequences commit or roll back with the event itself. The benefits
  app ends or flags the person's enrolments this way.
- Family sections: ``on_family_page(name, fn)``; ``fn(family, user)`` returns a :class:`FamilySection` (or None)
  shown on the family page — e.g. a family's service timeline — with only data ``user`` may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .models import LifeEvent, LifeEventKind

#: The life events listeners hear of.
NOTIFIED_KINDS = frozenset({LifeEventKind.DEATH, LifeEventKind.MOVE_OUT, LifeEventKind.DIVORCE})

LifeEventListener = Callable[..., object]
_listeners: dict[str, LifeEventListener] = {}


def on_life_event(name: str, listener: LifeEventListener) -> None:
    """Register ``listener(event, *, actor)`` under ``name`` (registering a name again replaces it)."""
    _listeners[name] = listener


def life_event_listeners() -> dict[str, LifeEventListener]:
    return dict(_listeners)


def life_event_recorded(event: LifeEvent, *, actor: Any) -> None:
    """Tell every listener that ``event`` was recorded by ``actor`` (inside the recording transaction)."""
    if event.kind not in NOTIFIED_KINDS:
        return
    for name in sorted(_listeners):
        _listeners[name](event, actor=actor)


@dataclass
class FamilyEntry:
    """One line of a family section: a date, what happened, and a link when the user may follow it."""

    date: Any
    text: str
    url: str = ""


@dataclass
class FamilySection:
    """A block of the family page contributed by another app."""

    title: str
    entries: list[FamilyEntry] = field(default_factory=list)
    empty_text: str = ""


FamilySectionProvider = Callable[[Any, Any], "FamilySection | None"]
_family_sections: dict[str, FamilySectionProvider] = {}


def on_family_page(name: str, provider: FamilySectionProvider) -> None:
    """Register ``provider(family, user) -> FamilySection | None`` for the family page."""
    _family_sections[name] = provider


def family_sections(family: Any, user: Any) -> list[FamilySection]:
    """The sections other apps contribute to ``family``'s page for ``user``, in registration-name order."""
    out = []
    for name in sorted(_family_sections):
        section = _family_sections[name](family, user)
        if section is not None:
            out.append(section)
    return out
