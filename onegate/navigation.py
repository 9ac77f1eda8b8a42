"""The main menu. The core and each capability register their entries in AppConfig.ready(); the
base layout shows a user the entries of their role, in order. Entries of one group (a capability's
pages) fold into a drop-down menu when the user has two or more of them, so that a manager's menu
stays one line on a tablet."""

from collections import Counter
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # a lazy translation
    url_name: str
    roles: frozenset[str]
    order: int = 100
    group: str | None = None  # the key of a group registered with register_group


_items: dict[str, NavItem] = {}
_groups: dict[str, str] = {}


def register(item: NavItem) -> None:
    _items[item.key] = item


def register_group(key: str, label) -> None:
    _groups[key] = label


def _visible(user) -> list[NavItem]:
    if not (user and user.is_authenticated):
        return []
    return sorted((i for i in _items.values() if user.role in i.roles), key=lambda i: (i.order, i.key))


def _entry(item: NavItem) -> dict:
    return {"key": item.key, "label": item.label, "url": reverse(item.url_name)}


def items_for(user) -> list[dict]:
    return [_entry(i) for i in _visible(user)]


def menu_for(user) -> list[dict]:
    """The entries of :func:`items_for`, with each group of two or more visible entries folded
    into one drop-down entry ``{"key", "label", "children"}`` at the place of its first entry."""
    items = _visible(user)
    sizes = Counter(i.group for i in items if i.group)
    entries, groups = [], {}
    for item in items:
        entry = _entry(item)
        if sizes.get(item.group, 0) < 2:
            entries.append(entry)
            continue
        if item.group not in groups:
            groups[item.group] = {"key": item.group, "label": _groups.get(item.group, item.group), "children": []}
            entries.append(groups[item.group])
        groups[item.group]["children"].append(entry)
    return entries
