from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("penyedia/", views.provider_callback, name="provider-callback"),
]
