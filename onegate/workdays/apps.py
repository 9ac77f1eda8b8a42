from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    """Working days: weekends and configured public holidays, for every due date (complaint and
    referral SLAs)."""

    name = "onegate.workdays"
    label = "workdays"
    verbose_name = _("Working days")

    def ready(self):
        from onegate.audit import audited

        from .models import Holiday

        audited(Holiday)
        from django.db.models.signals import post_delete, post_save

        from .services import forget_holidays

        post_save.connect(forget_holidays, sender=Holiday, dispatch_uid="forget_holidays_on_save")
        post_delete.connect(forget_holidays, sender=Holiday, dispatch_uid="forget_holidays_on_delete")
