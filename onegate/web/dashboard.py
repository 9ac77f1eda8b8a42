"""Sections that capabilities add to the home page (figures and charts), without the core
importing them: each registers a function that returns its template's context for the user, or
None when the user has nothing to see there. The home page shows them after the role's own part."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HomeSection:
    order: int
    template: str
    context: Callable  # (user) -> dict | None


_sections: dict[str, HomeSection] = {}


def register(name: str, section: HomeSection) -> None:
    _sections[name] = section


def sections_for(user) -> list[tuple[str, dict]]:
    shown = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        context = section.context(user)
        if context is not None:
            shown.append((section.template, context))
    return shown
