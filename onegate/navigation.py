"""The main menu. The core and each capability register their entries in AppConfig.ready(); the
base layout shows a user the entries of their role, in order."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # a lazy translation
    url_name: str
    roles: frozenset[str]
    order: int = 100


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.key] = item


def items_for(user) -> list[dict]:
    if not (user and user.is_authenticated):
        return []
    visible = sorted((i for i in _items.values() if user.role in i.roles), key=lambda i: (i.order, i.key))
    return [{"key": i.key, "label": i.label, "url": reverse(i.url_name)} for i in visible]
