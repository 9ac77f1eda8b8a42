from django.urls import path, re_path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("baru/<str:report_type>/", views.report_new, name="new"),
    path("profil/<int:person_pk>/", views.report_person_profile, name="person-profile"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/kemajuan/", views.report_progress, name="progress"),
    path("<int:pk>/unduh/", views.report_download, name="download"),
    path("<int:pk>/unduh/json/", views.report_download_json, name="download-json"),
    path("akses-data/<int:person_pk>/", views.report_access, name="access"),
    path("calon-penerima/<int:service_pk>/", views.report_unserved, name="unserved"),
    re_path(r"^(?P<pk>\d+)/data\.(?P<file_format>csv|xlsx)$", views.report_figures, name="figures"),
]
