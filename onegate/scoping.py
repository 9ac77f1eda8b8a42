"""The one access mechanism: what a user may see and change.

Every capability registers a :class:`ScopeRule` for each model that holds personal data, and every
view, export, task and PDF reads those models through :func:`restrict` or :func:`get_scoped_object`.

- Region scope: staff see rows whose region lies inside their own region (a kelurahan, a kecamatan
  or the whole city). Region codes nest, so "inside" is a prefix match on the code.
- Agency scope: agency officers see rows addressed to their agency, and nothing else.
- A row outside the scope does not exist for the user (404, raised as :class:`OutOfScope`); a row in
  scope that the user's role may only read answers 403 on a write.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import wraps

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from onegate.regions.models import within_q

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"


class OutOfScope(Http404):
    """An object the user may not see: answered exactly like a missing one."""


RoleFilter = Callable[[QuerySet, object], QuerySet]


@dataclass(frozen=True)
class ScopeRule:
    """How one model is scoped.

    region_field: lookup path to the Region that places a row (``"household__region"``).
    agency_field: lookup path to the Agency a row is addressed to (``"agency"``).
    roles: for each action, the roles that may perform it at all; an action not listed is refused.
    role_filters: a role whose rows are chosen differently (e.g. front desk: its own office's
        complaints) maps to a function ``(queryset, user) -> queryset``; it replaces the default.
    """

    region_field: str | None = None
    agency_field: str | None = None
    roles: Mapping[str, Collection[str]] = field(default_factory=dict)
    role_filters: Mapping[str, RoleFilter] = field(default_factory=dict)

    def allows(self, role: str, action: str) -> bool:
        return role in self.roles.get(action, ())


_rules: dict[type[Model], ScopeRule] = {}


def register(model: type[Model], rule: ScopeRule) -> None:
    _rules[model] = rule


def registered_rule(model: type[Model]) -> ScopeRule | None:
    return _rules.get(model)


def scoped_models() -> list[type[Model]]:
    """Every model with a scope rule: the models that hold personal data."""
    return list(_rules)


def rule_for(model: type[Model]) -> ScopeRule:
    try:
        return _rules[model]
    except KeyError:
        raise ImproperlyConfigured(f"{model.__name__} has no scope rule; register one in its app's ready()") from None


def region_q(user, region_field: str) -> Q:
    """Rows whose region is the user's region or lies inside it."""
    return within_q(region_field, user.region_id)


def is_city_wide(user) -> bool:
    """Scoped to a whole city (or regency, or more): the records placed in no region are theirs too."""
    return not user.region_id or user.region_id.count(".") <= 1


def _is_active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can(user, model: type[Model], action: str = VIEW) -> bool:
    """Whether the user's role may perform ``action`` on this kind of object at all."""
    return _is_active(user) and rule_for(model).allows(user.role, action)


def restrict(queryset: QuerySet, user, action: str = VIEW) -> QuerySet:
    """The rows of ``queryset`` that ``user`` may perform ``action`` on."""
    rule = rule_for(queryset.model)
    if not _is_active(user) or not rule.allows(user.role, action):
        return queryset.none()
    if user.role in rule.role_filters:
        return rule.role_filters[user.role](queryset, user)
    if user.role == "agency":
        if not rule.agency_field or not user.agency_id:
            return queryset.none()
        return queryset.filter(**{rule.agency_field: user.agency_id})
    if rule.region_field and user.region_id:
        return queryset.filter(region_q(user, rule.region_field))
    return queryset


def users_who_can(obj: Model, action: str) -> QuerySet:
    """The active users who may perform ``action`` on ``obj``: :func:`restrict` read the other way
    round (whom to assign a complaint to, whom to notify). A region rule keeps the users whose
    region is the object's region or lies above it (or who have none: the whole installation); an
    agency rule the officers of the object's agency."""
    from django.contrib.auth import get_user_model

    model = type(obj)
    rule = rule_for(model)
    users = get_user_model().objects.filter(is_active=True, role__in=rule.roles.get(action, ()))
    row = model._default_manager.filter(pk=obj.pk)
    officers = Q(role="agency", agency_id__in=row.values(rule.agency_field)) if rule.agency_field else Q(pk__in=[])
    staff = ~Q(role="agency")
    if rule.region_field:
        code = row.values_list(f"{rule.region_field}__code", flat=True).first() or ""
        parts = code.split(".")
        staff &= Q(region__isnull=True) | Q(region_id__in=[".".join(parts[:n]) for n in range(1, len(parts) + 1)])
    chosen = users.exclude(role__in=rule.role_filters).filter(officers | staff)
    # A role whose rows a function chooses: asked user by user (few users, few such rules).
    special = [u.pk for u in users.filter(role__in=rule.role_filters) if restrict(row, u, action).exists()]
    return chosen | users.filter(pk__in=special) if special else chosen


def get_scoped_object(user, queryset: QuerySet | type[Model], action: str = VIEW, **lookup):
    """Fetch one object for ``action``: 404 if the user cannot see it, 403 if they may only read it."""
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    obj = restrict(queryset, user, VIEW).filter(**lookup).first()
    if obj is None:
        raise OutOfScope(f"{queryset.model.__name__} {lookup} is not visible to this user")
    if action != VIEW:
        ensure_allowed(user, obj, action)
    return obj


def ensure_allowed(user, obj: Model, action: str) -> None:
    """Raise PermissionDenied unless ``user`` may perform ``action`` on this saved object.

    Services call it after writing, inside their transaction, so a change that moves an object
    out of the user's scope (a household saved into another kelurahan) is rolled back.
    """
    model = type(obj)
    if not restrict(model._default_manager.filter(pk=obj.pk), user, action).exists():
        raise PermissionDenied(f"{action} {model.__name__} {obj.pk} is not allowed for this user")


def ensure_can(user, model: type[Model], action: str) -> None:
    if not can(user, model, action):
        raise PermissionDenied(f"{action} {model.__name__} is not allowed for this role")


def roles_required(*roles: str):
    """View decorator for pages that belong to some roles only (403 for the others)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not _is_active(user):
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if user.role not in roles:
                raise PermissionDenied(f"page reserved for {', '.join(roles)}")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
