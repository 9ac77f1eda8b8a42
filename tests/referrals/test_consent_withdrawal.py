"""A person withdraws their consent to share their data (UU 27/2022 Pasal 9 and 40): recorded on
their page, audited; from then on agencies see only the minimum in every referral (the page, the
letter, the documents), new referrals cannot share more; consent given again counts for new
referrals only."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from onegate.audit.models import LogEntry
from registry import consent
from registry.models import ConsentDecision, ConsentDecisionKind
from tests.referrals.conftest import draft, sent
from tests.referrals.test_letter import one_line, pdf_text
from tests.referrals.test_views import png

SECRETS_ON_PAGE = ("Jl. Empunala", "081233344455", "17/05/1960")


def decision_form(**overrides):
    return {
        "decided_by": "Sumarni",
        "decider": "diri_sendiri",
        "method": "lisan_loket",
        "decided_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        "note": "Datang ke loket, meminta data tidak dibagikan lagi.",
        **overrides,
    }


def withdraw(user, person, minutes_ago=1):
    data = {
        "decided_by": "Sumarni",
        "decider": "diri_sendiri",
        "method": "tertulis",
        "decided_at": timezone.now() - datetime.timedelta(minutes=minutes_ago),
    }
    return consent.record_decision(person, kind=ConsentDecisionKind.WITHDRAWN, data=data, acting_user=user)


def give_again(user, person):
    data = {"decided_by": "Sumarni", "decider": "diri_sendiri", "method": "tertulis", "decided_at": timezone.now()}
    return consent.record_decision(person, kind=ConsentDecisionKind.GIVEN, data=data, acting_user=user)


def agency_detail(client_for, users, referral):
    response = client_for(users["dinkes"]).get(reverse("referrals:detail", args=[referral.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_desk_records_a_withdrawal_on_the_person_page_and_it_is_audited(users, client_for, wates_person):
    client = client_for(users["loket"])
    url = reverse("registry:consent-decision", args=[wates_person.pk, "cabut"])
    assert client.get(url).status_code == 200
    response = client.post(url, decision_form())
    assert response.status_code == 302 and response["Location"] == wates_person.get_absolute_url()
    decision = ConsentDecision.objects.get()
    assert (decision.kind, decision.method, decision.recorded_by) == ("dicabut", "lisan_loket", users["loket"])
    entry = LogEntry.objects.get_for_object(decision).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == users["loket"]
    page = client.get(wates_person.get_absolute_url()).content.decode()
    assert 'id="consent-withdrawn-badge"' in page and "Datang ke loket" in page
    # Withdrawing twice is refused with a message; nothing is added.
    again = client.post(url, decision_form())
    assert again.status_code == 200 and ConsentDecision.objects.count() == 1
    assert again.context["form"].non_field_errors()


def test_a_decision_in_the_future_is_refused_and_what_was_typed_is_kept(users, client_for, wates_person):
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%d/%m/%Y %H:%M")
    response = client_for(users["kel.wates"]).post(
        reverse("registry:consent-decision", args=[wates_person.pk, "cabut"]), decision_form(decided_at=future)
    )
    assert response.status_code == 200 and not ConsentDecision.objects.exists()
    assert "decided_at" in response.context["form"].errors and "Datang ke loket" in response.content.decode()


@pytest.mark.parametrize("username", ["kel.kranggan", "dinkes"])
def test_out_of_scope_users_cannot_record_a_decision(users, client_for, wates_person, username):
    url = reverse("registry:consent-decision", args=[wates_person.pk, "cabut"])
    assert client_for(users[username]).post(url, decision_form()).status_code == 404
    assert not ConsentDecision.objects.exists()


def test_a_withdrawal_hides_what_earlier_consented_referrals_disclosed(
    users, client_for, directory, complaint, wates_person
):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint, with_consent=True)
    referrals_services_add_document(users, referral)
    page = agency_detail(client_for, users, referral)
    for shown in (wates_person.nik, *SECRETS_ON_PAGE, "ktp.png"):
        assert shown in page, shown

    withdraw(users["loket"], wates_person)

    page = agency_detail(client_for, users, referral)
    for kept in (referral.number, directory["pbi"].name, wates_person.full_name, "Wates", 'id="consent-withdrawn"'):
        assert kept in page, kept
    for secret in (wates_person.nik, *SECRETS_ON_PAGE, "ktp.png"):
        assert secret not in page, secret
    letter = one_line(pdf_text(client_for(users["dinkes"]).get(reverse("referrals:letter", args=[referral.pk]))))
    assert referral.number in letter and wates_person.full_name in letter
    for secret in (wates_person.nik, "Jl. Empunala", "17/05/1960", "081233344455"):
        assert secret not in letter, secret
    document = referral.documents.get()
    download = reverse("referrals:document", args=[referral.pk, document.pk])
    assert client_for(users["dinkes"]).get(download).status_code == 404
    # The office still sees its own record of the referral.
    staff = client_for(users["loket"]).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "ktp.png" in staff


def referrals_services_add_document(users, referral):
    from referrals import services

    uploaded = png()
    uploaded.checked_content_type = "image/png"
    services.referral_add_documents(referral, uploads=[uploaded], acting_user=users["loket"])


def test_while_withdrawn_no_new_referral_can_share_more(users, client_for, directory, wates_person):
    withdraw(users["loket"], wates_person)
    with pytest.raises(ValidationError) as refused:
        draft(users["loket"], directory["pbi"], person=wates_person, with_consent=True)
    assert "consent_given" in refused.value.message_dict
    client = client_for(users["loket"])
    url = reverse("referrals:create") + f"?orang={wates_person.pk}"
    form = client.get(url).context["form"]
    assert [value for value, _label in form.fields["consent_given"].choices] == ["False"]
    posted = client.post(
        url,
        {
            "service": directory["pbi"].pk,
            "reason": "Kartu PBI tidak aktif.",
            "request": "Mohon pengaktifan.",
            "consent_given": "True",
            "consent_by": "Sumarni",
            "consent_giver": "diri_sendiri",
            "consent_method": "tertulis",
            "consent_at": "01/01/2026 09:30",
        },
    )
    assert posted.status_code == 200 and "consent_given" in posted.context["form"].errors
    referral = sent(users["loket"], directory["pbi"], person=wates_person)  # without consent: fine
    assert wates_person.nik not in agency_detail(client_for, users, referral)


def test_consent_given_again_counts_for_new_referrals_only(users, client_for, directory, complaint, wates_person):
    before = sent(users["loket"], directory["pbi"], complaint=complaint, with_consent=True)
    withdraw(users["loket"], wates_person, minutes_ago=5)
    give_again(users["loket"], wates_person)
    after = sent(users["loket"], directory["pbi"], person=wates_person, with_consent=True, consent_at=timezone.now())
    assert wates_person.nik in agency_detail(client_for, users, after)
    assert wates_person.nik not in agency_detail(client_for, users, before)
    page = client_for(users["loket"]).get(wates_person.get_absolute_url()).content.decode()
    assert 'id="consent-withdrawn-badge"' not in page and not consent.is_withdrawn(wates_person)
