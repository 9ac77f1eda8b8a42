"""Sections that capabilities add to another capability's page without that one importing them:
a person's complaints and referrals on the registry's person page, a complaint's referrals on the
complaint page. A page names its slot ("person", "complaint"); each section registers a function
that returns its template context for the viewing user, or None when the user may see nothing of it."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    order: int
    template: str
    context: Callable  # (user, obj) -> dict | None


_panels: dict[str, dict[str, Panel]] = {}


def register(slot: str, name: str, panel: Panel) -> None:
    _panels.setdefault(slot, {})[name] = panel


def panels_for(slot: str, user, obj) -> list[tuple[str, dict]]:
    shown = []
    for panel in sorted(_panels.get(slot, {}).values(), key=lambda p: p.order):
        context = panel.context(user, obj)
        if context is not None:
            shown.append((panel.template, context))
    return shown
