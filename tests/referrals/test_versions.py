"""Versioned referrals: a draft edited from an older page, or a status change from an older
referral page, is refused with what changed meanwhile (issue 16, lost update)."""

from django.test import Client
from django.urls import reverse

from referrals.models import Referral, ReferralStatus
from tests.referrals.conftest import draft, sent
from tests.referrals.test_views import form_post


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="onegate.accounts.backends.ModelBackend")
    return client


def test_a_draft_saved_from_an_older_page_is_refused_and_keeps_the_typed_reason(users, directory, complaint):
    referral = draft(users["loket"], directory["pbi"], complaint=complaint)
    url = reverse("referrals:edit", args=[referral.pk])
    desk, manager = signed_in(users["loket"]), signed_in(users["manajer"])
    loaded = referral.version
    desk.get(url), manager.get(url)
    assert desk.post(url, form_post(directory["pbi"], reason="KTP hilang.", version=loaded)).status_code == 302
    page = manager.post(url, form_post(directory["pbi"], reason="Butuh PBI-JK segera.", version=loaded))
    assert page.status_code == 200
    assert Referral.objects.get(pk=referral.pk).reason == "KTP hilang."
    rows = {field.name: (field.new, typed) for field, change, typed in page.context["conflict"].label_rows}
    assert rows["reason"] == ("KTP hilang.", "Butuh PBI-JK segera.")
    assert "Butuh PBI-JK segera." in page.content.decode()


def test_an_agency_status_change_from_an_older_page_is_refused(users, directory, complaint):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    url = reverse("referrals:status", args=[referral.pk])
    one, two = signed_in(users["dinkes"]), signed_in(users["dinkes"])
    loaded = Referral.objects.get(pk=referral.pk).version
    assert one.post(url, {"to_status": "diterima", "version": loaded}).status_code == 302
    page = two.post(url, {"to_status": "ditolak", "note": "Bukan wewenang kami.", "version": loaded})
    assert page.status_code == 409
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED
    assert "Bukan wewenang kami." in page.content.decode()
    assert "status" in {f.name for f, change, typed in page.context["conflict"].label_rows}


def test_a_directory_service_saved_from_an_older_admin_page_is_refused(users, directory):
    from django.forms.models import model_to_dict

    from referrals import services
    from referrals.admin import ServiceAdminForm
    from referrals.models import Service

    service = directory["pbi"]
    opened = {k: v for k, v in model_to_dict(service).items() if v is not None} | {"version": service.version}
    first = ServiceAdminForm({**opened, "sla_working_days": 3}, instance=Service.objects.get(pk=service.pk))
    assert first.is_valid(), first.errors
    services.service_save(first.save(commit=False), expected_version=first.expected_version)

    stale = ServiceAdminForm({**opened, "description": "Layanan baru."}, instance=Service.objects.get(pk=service.pk))
    assert not stale.is_valid()
    assert "Orang lain menyimpan data ini" in str(stale.non_field_errors())
    assert stale["version"].value() == Service.objects.get(pk=service.pk).version  # the next save goes through
    assert stale["description"].value() == "Layanan baru."
    assert Service.objects.get(pk=service.pk).sla_working_days == 3


def test_the_admin_service_page_carries_the_version(users, client_for, directory):
    service = directory["pbi"]
    page = client_for(users["admin"]).get(reverse("admin:referrals_service_change", args=[service.pk]))
    assert f'name="version" value="{service.version}"' in page.content.decode()
