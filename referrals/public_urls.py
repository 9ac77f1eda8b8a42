from django.urls import path

from . import public

app_name = "referrals-public"
urlpatterns = [
    path("<slug:token>/", public.verify_letter, name="verify"),
]
