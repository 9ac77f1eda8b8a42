from django.conf import settings

from onegate import navigation


def portal(request):
    user = getattr(request, "user", None)
    return {
        "nav_items": navigation.items_for(user),
        "nav_menu": navigation.menu_for(user),
        "office_name": settings.OFFICE_NAME,
    }
