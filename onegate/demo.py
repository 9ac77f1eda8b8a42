"""Demo data: the core and each capability register seeding steps in their development-only
``devdata/demo.py`` (found here when seeding, never imported by the running portal);
``manage.py seed_demo`` runs them in order. Every step is idempotent, so running the portal again
keeps (and does not double) the data."""

import os
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

DEFAULT_DEMO_PASSWORD = "onegate-demo-2026"


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    run: Callable[[Callable[[str], None]], None]  # receives a function that prints a line


_steps: dict[str, DemoStep] = {}


def register(order: int, name: str):
    def decorator(func):
        _steps[name] = DemoStep(order, name, func)
        return func

    return decorator


def steps() -> list[DemoStep]:
    autodiscover_modules("devdata.demo")  # each app's <app>/devdata/demo.py registers its steps
    return sorted(_steps.values(), key=lambda s: (s.order, s.name))
