from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.trail, name="trail"),
    path("pengguna/<int:pk>/", views.user_trail, name="user-trail"),
]
