"""Sections other capabilities add to a complaint's page (its referrals) without the complaint
desk importing them: each registers a function that returns the section's context for the viewing
user, or None when the user may see nothing of it. Same shape as registry.panels."""

from registry.panels import PersonPanel as ComplaintPanel

_panels: dict[str, ComplaintPanel] = {}


def register(name: str, panel: ComplaintPanel) -> None:
    _panels[name] = panel


def panels_for(user, complaint) -> list[tuple[str, dict]]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.context(user, complaint)
        if context is not None:
            shown.append((panel.template, context))
    return shown
