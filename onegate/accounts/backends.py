from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    """Django's, loading the signed-in user with their region and agency in the same query: every
    page shows the user's scope and every scoped query reads it."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("region", "agency").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
