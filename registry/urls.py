from django.urls import path, re_path

from . import views

app_name = "registry"
urlpatterns = [
    path("orang/", views.person_list, name="person-list"),
    re_path(r"^orang/ekspor\.(?P<file_format>csv|xlsx)$", views.person_export, name="person-export"),
    path("orang/<int:pk>/", views.person_detail, name="person-detail"),
    path("orang/<int:pk>/ubah/", views.person_edit, name="person-edit"),
    path("orang/<int:pk>/profil/<str:profile>/", views.person_profile_edit, name="person-profile-edit"),
    path("orang/<int:pk>/persetujuan/<str:kind>/", views.consent_decision, name="consent-decision"),
    path("orang/<int:pk>/ppks/tambah/", views.ppks_record_edit, name="ppks-add"),
    path("orang/<int:pk>/ppks/<int:record_pk>/ubah/", views.ppks_record_edit, name="ppks-edit"),
    path("orang/<int:pk>/ppks/<int:record_pk>/tertangani/", views.ppks_record_mark_handled, name="ppks-handled"),
    path("orang/<int:pk>/program/tambah/", views.program_receipt_add, name="program-add"),
    path("orang/<int:pk>/program/<int:receipt_pk>/hapus/", views.program_receipt_remove, name="program-remove"),
    path("keluarga/", views.household_list, name="household-list"),
    path("keluarga/baru/", views.household_create, name="household-create"),
    path("keluarga/<int:pk>/", views.household_detail, name="household-detail"),
    path("keluarga/<int:pk>/ubah/", views.household_edit, name="household-edit"),
    path("verifikasi/", views.verification_queue, name="verification-queue"),
    path("laporan-mandiri/<int:pk>/", views.self_report_review, name="self-report-review"),
    path("laporan-mandiri/<int:pk>/orang-baru/", views.self_report_create_person, name="self-report-create-person"),
    path("laporan-mandiri/<int:pk>/tautkan/", views.self_report_find_person, name="self-report-find-person"),
    path(
        "laporan-mandiri/<int:pk>/tautkan/<int:person_pk>/",
        views.self_report_link_person,
        name="self-report-link-person",
    ),
    path("laporan-mandiri/<int:pk>/tolak/", views.self_report_reject, name="self-report-reject"),
    path("duplikat/", views.duplicate_list, name="duplicate-list"),
    path("duplikat/<int:a>/<int:b>/", views.duplicate_compare, name="duplicate-compare"),
    path("duplikat/<int:a>/<int:b>/bukan-duplikat/", views.duplicate_dismiss, name="duplicate-dismiss"),
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
