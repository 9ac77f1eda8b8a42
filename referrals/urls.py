from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("direktori/", views.directory, name="directory"),
    path("direktori/layanan/<int:pk>/", views.service_detail, name="service-detail"),
    path("direktori/hsds.json", views.hsds_json, name="hsds-json"),
    path("direktori/hsds-csv.zip", views.hsds_zip, name="hsds-zip"),
]
