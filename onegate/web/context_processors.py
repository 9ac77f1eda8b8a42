from django.conf import settings

from onegate import navigation


def portal(request):
    return {"nav_items": navigation.items_for(getattr(request, "user", None)), "office_name": settings.OFFICE_NAME}
