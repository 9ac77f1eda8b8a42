"""Registry pages open to the public (no account): the disability self-report."""

from django.urls import path

from . import views

app_name = "selfreport"
urlpatterns = [
    path("", views.self_report_form, name="form"),
    path("terima-kasih/", views.self_report_thanks, name="thanks"),
]
