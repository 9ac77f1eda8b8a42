from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("baru/", views.complaint_create, name="create"),
    path("antrean/", views.desk_queue, name="queue"),
    path("cari-orang/", views.person_search, name="person-search"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/tanda-terima/", views.receipt, name="receipt"),
    path("<int:pk>/tanda-terima.pdf", views.receipt_pdf, name="receipt-pdf"),
    path("<int:pk>/status/", views.complaint_status, name="status"),
    path("<int:pk>/catatan/", views.complaint_note, name="note"),
    path("<int:pk>/asesmen/", views.complaint_assessment, name="assessment"),
    path("<int:pk>/tugaskan/", views.complaint_assign, name="assign"),
    path("<int:pk>/lampiran/", views.attachment_add, name="attachment-add"),
    path("<int:pk>/lampiran/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/dilayani/", views.complaint_served, name="served"),
]
