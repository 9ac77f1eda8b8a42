from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("keluarga/<int:household_pk>/baru/", views.assessment_create, name="assessment-create"),
    path("<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("<int:pk>/ubah/", views.assessment_edit, name="assessment-edit"),
    path("<int:pk>/putuskan/", views.assessment_decide, name="assessment-decide"),
]
