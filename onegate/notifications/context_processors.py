def notifications(request):
    """The unread count for the menu bar, counted only when a page shows it (not for htmx
    fragments)."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    from .services import unread_count

    return {"unread_notifications": lambda: unread_count(user)}
