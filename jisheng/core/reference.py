"""Registries of set-up steps that apps contribute, run by ``jisheng bootstrap`` and ``jisheng demo``.

- Reference data (areas, address codes, law, calendar…): ``register_loader(name, fn, order)`` where
  ``fn(stdout) -> str`` loads idempotently and returns a one-line summary.
- Demo data: ``register_demo(name, fn, order)`` where ``fn(*, seed, options, stdout) -> str`` fills the
  demo municipality idempotently for a seed (``options`` holds the command's options, e.g. persons).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Step:
    name: str
    func: Callable[..., str]
    order: int


_loaders: dict[str, Step] = {}
_demos: dict[str, Step] = {}


def register_loader(name: str, func: Callable[..., str], order: int = 100) -> None:
    """Register a reference-data loader (run by ``jisheng bootstrap`` in ``order``)."""
    _loaders[name] = Step(name, func, order)


def register_demo(name: str, func: Callable[..., str], order: int = 100) -> None:
    """Register a demo-data step (run by ``jisheng demo`` in ``order``)."""
    _demos[name] = Step(name, func, order)


def loaders() -> list[Step]:
    return sorted(_loaders.values(), key=lambda s: (s.order, s.name))


def demo_steps() -> list[Step]:
    return sorted(_demos.values(), key=lambda s: (s.order, s.name))


def run_loaders(stdout: Any = None) -> list[str]:
    """Run every registered loader; return their summaries."""
    return [f"{s.name}: {s.func(stdout)}" for s in loaders()]
