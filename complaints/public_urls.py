from django.urls import path

from .views import public

app_name = "complaints-public"
urlpatterns = [
    path("", public.online_complaint, name="form"),
    path("terkirim/", public.online_complaint_sent, name="sent"),
    path("status/", public.status_check, name="status"),
    path("status/berhenti/", public.stop_updates, name="stop"),
]
