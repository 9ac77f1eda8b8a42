from django.contrib.auth import backends, get_user_model
from django.core.cache import cache

# How long a signed-in user (with region and agency) is kept in the cache between requests. Any
# save of the user, their agency or their region forgets it at once (AccountsConfig.ready); the
# limit only bounds what a change made outside the ORM's save() could leave behind.
USER_CACHE_SECONDS = 30


def user_cache_key(user_id) -> str:
    return f"auth-user:{user_id}"


class ModelBackend(backends.ModelBackend):
    """Django's, loading the signed-in user with their region and agency in the same query, and
    keeping them in the cache: every page needs the user, their role and their scope."""

    def get_user(self, user_id):
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            user = get_user_model()._default_manager.select_related("region", "agency").filter(pk=user_id).first()
            if user is None:
                return None
            cache.set(key, user, USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None


def forget_users(user_ids) -> None:
    cache.delete_many([user_cache_key(pk) for pk in user_ids])


def forget_user(sender, instance, **kwargs) -> None:
    forget_users([instance.pk])


def forget_agency_officers(sender, instance, **kwargs) -> None:
    forget_users(get_user_model()._default_manager.filter(agency=instance).values_list("pk", flat=True))


def forget_region_users(sender, instance, **kwargs) -> None:
    forget_users(get_user_model()._default_manager.filter(region=instance).values_list("pk", flat=True))
