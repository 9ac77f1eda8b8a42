from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

admin.site.site_header = _("OneGate administration")
admin.site.site_title = "OneGate"

urlpatterns = [
    path("", include("onegate.web.urls")),
    path("akun/", include("onegate.accounts.urls")),
    path("audit/", include("onegate.audit.urls")),
    path("notifikasi/", include("onegate.notifications.urls")),
    path("registri/", include("registry.urls")),
    path("asesmen/", include("assessments.urls")),
    path("pengaduan/", include("complaints.urls")),
    path("rujukan/", include("referrals.urls")),
    path("laporan/", include("reports.urls")),
    path("lapor/pengaduan/", include("complaints.public_urls")),
    path("lapor/disabilitas/", include("registry.public_urls")),
    path("verifikasi-surat/", include("referrals.public_urls")),
    path("pesan/", include("notices.urls")),
    # Public: the language switch is on the login page and the residents' pages.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
