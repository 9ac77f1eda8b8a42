"""Sections other capabilities add to a person's page (their complaints, their referrals) without
the registry importing them: each registers a function that returns the section's template and
context for the viewing user, or None when the user may see nothing of it."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonPanel:
    order: int
    template: str
    context: Callable  # (user, person) -> dict | None


_panels: dict[str, PersonPanel] = {}


def register(name: str, panel: PersonPanel) -> None:
    _panels[name] = panel


def panels_for(user, person) -> list[tuple[str, dict]]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.context(user, person)
        if context is not None:
            shown.append((panel.template, context))
    return shown
