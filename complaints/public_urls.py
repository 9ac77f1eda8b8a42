from django.urls import path

from . import public

app_name = "complaints-public"
urlpatterns = [
    path("status/", public.status_check, name="status"),
]
