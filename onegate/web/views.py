from django.contrib.auth.decorators import login_not_required, login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from onegate import panels, scoping
from onegate.accounts.models import DeniedAccess, Role, User
from onegate.agencies.models import Agency
from onegate.regions.models import Region, RegionLevel

from .health import check_database, check_redis


@login_not_required  # the load balancer's probe
@require_GET
@never_cache
def healthz(request):
    problems = [p for p in (check_database(), check_redis()) if p]
    body = {"status": "ok" if not problems else "unavailable", "problems": problems}
    return JsonResponse(body, status=200 if not problems else 503)


@login_required
def home(request):
    """The home page of the user's role: who they are, what they may see, where to go."""
    user = request.user
    context = {"role_template": f"web/home/{user.role}.html", "dashboard": panels.panels_for("home", user, None)}
    if user.role == Role.ADMIN:
        by_role = User.objects.values_list("role").annotate(n=Count("pk")).order_by("role")
        context["user_counts"] = [(Role(role).label, n) for role, n in by_role]
        context["agency_count"] = Agency.objects.count()
        by_level = Region.objects.values_list("level").annotate(n=Count("pk")).order_by("level")
        context["region_counts"] = [(RegionLevel(level).label, n) for level, n in by_level]
    if user.role in (Role.ADMIN, Role.MANAGER):
        from onegate.audit.display import readable
        from onegate.audit.views import visible_entries

        context["recent_changes"] = readable(visible_entries(user).order_by("-timestamp", "-pk")[:8], user)
        context["recent_denials"] = scoping.restrict(DeniedAccess.objects.all(), user)[:5]
    if user.region_id:
        context["scope_children"] = Region.objects.filter(parent_id=user.region_id).annotate(n=Count("children"))
    return render(request, "web/home.html", context)


@scoping.roles_required(Role.ADMIN, Role.MANAGER, Role.FRONT_DESK, Role.KELURAHAN)
def region_list(request):
    """Browse and search the official region codes (public reference data)."""
    q = request.GET.get("q", "").strip()
    parent_code = request.GET.get("induk", "").strip()
    parent = get_object_or_404(Region, code=parent_code) if parent_code else None
    regions = Region.objects.annotate(n_children=Count("children"))
    if q:
        regions = regions.filter(Q(name__icontains=q) | Q(code__startswith=q))
    elif parent:
        regions = regions.filter(parent=parent)
    else:
        regions = regions.filter(parent__isnull=True)
    page = Paginator(regions.order_by("code"), 50).get_page(request.GET.get("page"))
    return render(request, "web/region_list.html", {"page": page, "q": q, "parent": parent})
