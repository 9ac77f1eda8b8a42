"""The main menu. The core and each capability register their entries in AppConfig.ready(); the
base layout shows a user the entries of their role, in order. Entries of one group (a capability's
pages) fold into a drop-down menu when the user has two or more of them, so that a manager's menu
stays one line on a tablet."""

from collections import Counter
from dataclasses import dataclass

from django.urls import get_script_prefix, reverse


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


# Every page shows the menu and it only depends on the role: built once per role and URL prefix
# (labels stay lazy, so each page still shows them in its own language).
_menus: dict[tuple, tuple[list[dict], list[dict]]] = {}


def _built(user) -> tuple[list[dict], list[dict]]:
    if not (user and user.is_authenticated):
        return [], []
    key = (user.role, get_script_prefix(), len(_items))
    if key not in _menus:
        items = _visible(user)
        _menus[key] = ([_entry(i) for i in items], _folded(items))
    return _menus[key]


def items_for(user) -> list[dict]:
    return _built(user)[0]


def menu_for(user) -> list[dict]:
    """The entries of :func:`items_for`, with each group of two or more visible entries folded
    into one drop-down entry ``{"key", "label", "children"}`` at the place of its first entry."""
    return _built(user)[1]


def _folded(items: list[NavItem]) -> list[dict]:
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
