from django.urls import path, re_path

from . import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("baru/", views.referral_create, name="create"),
    path("kinerja/", views.performance, name="performance"),
    path("baru/dokumen-layanan/", views.service_documents, name="service-documents"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/surat.pdf", views.letter_pdf, name="letter"),
    path("<int:pk>/ubah/", views.referral_edit, name="edit"),
    path("<int:pk>/kirim/", views.referral_send, name="send"),
    path("<int:pk>/penetapan/", views.referral_decide, name="decide"),
    path("<int:pk>/status/", views.referral_status, name="status"),
    path("<int:pk>/alihkan/", views.referral_redirect, name="redirect"),
    path("<int:pk>/catatan/", views.referral_note, name="note"),
    path("<int:pk>/dokumen/", views.referral_documents, name="documents"),
    path("<int:pk>/dokumen/<int:document_pk>/", views.document_download, name="document"),
    path("<int:pk>/lampiran-pengaduan/<int:attachment_pk>/", views.complaint_file_download, name="complaint-file"),
    path("kelayakan/", views.unserved_index, name="unserved"),
    path("kelayakan/hitung-ulang/", views.unserved_refresh, name="unserved-refresh"),
    path("kelayakan/<int:pk>/", views.unserved_list, name="unserved-list"),
    re_path(
        r"^kelayakan/(?P<pk>\d+)/ekspor\.(?P<file_format>csv|xlsx)$", views.unserved_export, name="unserved-export"
    ),
    path("direktori/", views.directory, name="directory"),
    path("direktori/layanan/<int:pk>/", views.service_detail, name="service-detail"),
    path("direktori/hsds.json", views.hsds_json, name="hsds-json"),
    path("direktori/hsds-csv.zip", views.hsds_zip, name="hsds-zip"),
]
