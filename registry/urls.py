from django.urls import path, re_path

from . import views

app_name = "registry"
urlpatterns = [
    path("orang/", views.person_list, name="person-list"),
    re_path(r"^orang/ekspor\.(?P<file_format>csv|xlsx)$", views.person_export, name="person-export"),
    path("orang/<int:pk>/", views.person_detail, name="person-detail"),
    path("orang/<int:pk>/ubah/", views.person_edit, name="person-edit"),
    path("orang/<int:pk>/profil/<str:profile>/", views.person_profile_edit, name="person-profile-edit"),
    path("keluarga/baru/", views.household_create, name="household-create"),
    path("keluarga/<int:pk>/", views.household_detail, name="household-detail"),
    path("verifikasi/", views.verification_queue, name="verification-queue"),
    path("impor/", views.import_start, name="import-start"),
    re_path(r"^impor/templat\.(?P<file_format>csv|xlsx)$", views.import_template, name="import-template"),
    path("impor/<int:pk>/", views.import_detail, name="import-detail"),
    path("impor/<int:pk>/kemajuan/", views.import_progress, name="import-progress"),
    path("impor/<int:pk>/konfirmasi/", views.import_confirm, name="import-confirm"),
    path("impor/<int:pk>/batal/", views.import_cancel, name="import-cancel"),
    path("<str:kind>/<int:pk>/ajukan/", views.record_submit, name="record-submit"),
    path("<str:kind>/<int:pk>/verifikasi/", views.record_verify, name="record-verify"),
    path("<str:kind>/<int:pk>/tolak/", views.record_reject, name="record-reject"),
]
