"""Matching, with reasons: the services a person may qualify for on the person page and on a
complaint in assessment (referrals.matching.suggestions_for), and the referral form prefilled from
a suggestion."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, AssessmentNeed, NeedLevel
from complaints import services as complaint_services
from complaints.models import Status
from onegate import panels
from referrals import decisions, services
from referrals.eligibility import age_on
from referrals.matching import for_matching, suggestions_for
from referrals.models import Decision, Referral, ReferralSettings, ReferralStatus, ServiceCriteria, ServiceStatus
from referrals.panels import complaint_suggestions, person_suggestions
from registry.models import DisabilityProfile, Person, PersonPpks, PpksCategory, ProgramReceipt, WelfareProfile
from tests.complaints.factories import make_complaint
from tests.complaints.test_query_counts import queries_for
from tests.conftest import WATES
from tests.factories import HouseholdFactory, PersonFactory
from tests.referrals.conftest import draft as referral_draft
from tests.referrals.conftest import sent
from tests.referrals.factories import ServiceFactory, service_with_details

BORN = datetime.date(1958, 3, 1)


def with_criteria(service, ppks=(), **fields):
    criteria = ServiceCriteria.objects.create(service=service, **fields)
    criteria.ppks_categories.set(ppks)
    return service


@pytest.fixture
def matching_directory(users, dinkes, disdukcapil):
    """Demo-like services: PBI-JK daerah (decile ≤ 4, not receiving PBI-JK), an elderly service
    (60+), the civil registry's pick-up service (no NIK), a service without criteria, one with empty
    criteria and an inactive one."""
    return {
        "pbi": with_criteria(
            service_with_details(dinkes, "Pendaftaran PBI-JK daerah", documents=("KTP", "Kartu Keluarga (KK)", "SKTM")),
            max_decile=4,
            not_receiving_program="pbi_jk",
        ),
        "lansia": with_criteria(
            service_with_details(dinkes, "Pendampingan lansia", documents=("KTP", "Surat keterangan dokter")),
            min_age=60,
        ),
        "adminduk": with_criteria(
            service_with_details(disdukcapil, "Adminduk jemput bola", documents=("Surat pengantar RT/RW",)),
            has_nik=False,
        ),
        "anyone": service_with_details(dinkes, "Layanan untuk semua"),
        "empty": with_criteria(service_with_details(dinkes, "Layanan kriteria kosong")),
        "closed": with_criteria(
            service_with_details(dinkes, "Layanan ditutup", status=ServiceStatus.INACTIVE), min_age=60
        ),
    }


@pytest.fixture
def sumarni(users):
    """68 years old in 2026, with a NIK, a household with a KK number, decile 3."""
    household = HouseholdFactory(region_id=WATES)
    person = PersonFactory(full_name="Sumarni Lestari", region_id=WATES, household=household, sex="P", birth_date=BORN)
    WelfareProfile.objects.create(person=person, dtks_status="terdaftar", decile=3)
    return person


def today():
    return timezone.localdate()


def suggested(person, user=None) -> dict:
    person = for_matching(Person.objects.filter(pk=person.pk)).get()
    return {s.service.name: s for s in suggestions_for(person, today(), user=user)}


def page(client, person) -> str:
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def complete(referral, users, *, days_ago=0):
    for status in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED):
        services.referral_change_status(referral, to_status=status, note="Sudah dilayani.", acting_user=users["dinkes"])
    Referral.objects.filter(pk=referral.pk).update(finished_at=timezone.now() - datetime.timedelta(days=days_ago))


# --- The selector ------------------------------------------------------------------------------
def test_services_met_are_suggested_with_every_criterion_and_the_persons_value(matching_directory, sumarni):
    found = suggested(sumarni)
    assert set(found) == {"Pendaftaran PBI-JK daerah", "Pendampingan lansia"}
    age = age_on(BORN, today())
    assert found["Pendampingan lansia"].reasons == [("Usia 60 tahun ke atas", f"{age} tahun")]
    assert found["Pendaftaran PBI-JK daerah"].reasons == [
        ("Desil kesejahteraan 4 ke bawah", "3"),
        ("Belum menerima PBI-JK tahun ini", "tidak ada program tahun ini"),
    ]
    ProgramReceipt.objects.create(person=sumarni, program="bpnt", year=today().year)
    assert suggested(sumarni)["Pendaftaran PBI-JK daerah"].reasons[1] == (
        "Belum menerima PBI-JK tahun ini",
        "tahun ini menerima BPNT/Sembako",
    )
    assert found["Pendampingan lansia"].reason_text == f"Memenuhi kriteria layanan: Usia 60 tahun ke atas: {age} tahun"


def test_a_failed_criterion_and_services_without_criteria_are_not_suggested(matching_directory, sumarni):
    WelfareProfile.objects.filter(person=sumarni).update(decile=7)
    ProgramReceipt.objects.create(person=sumarni, program="pbi_jk", year=today().year)
    young = PersonFactory(region_id=WATES, birth_date=datetime.date(1990, 1, 1), nik="")
    assert set(suggested(sumarni)) == {"Pendampingan lansia"}
    # No NIK: the civil registry's service; too young for the elderly one; no welfare profile.
    assert set(suggested(young)) == {"Adminduk jemput bola"}
    # The PBI-JK receipt of last year does not count against this year.
    WelfareProfile.objects.filter(person=sumarni).update(decile=2)
    ProgramReceipt.objects.filter(person=sumarni).update(year=today().year - 1)
    assert "Pendaftaran PBI-JK daerah" in suggested(sumarni)


def test_a_service_outside_the_persons_area_is_not_suggested(matching_directory, sumarni):
    matching_directory["lansia"].area_id = "35.76.03"  # Kranggan's kecamatan, not Magersari
    matching_directory["lansia"].save()
    assert set(suggested(sumarni)) == {"Pendaftaran PBI-JK daerah"}


def test_already_receiving_a_completed_referral_within_a_year_or_the_programme_this_year(
    users, matching_directory, sumarni
):
    lansia = matching_directory["lansia"]
    complete(sent(users["loket"], lansia, person=sumarni), users, days_ago=400)
    assert not suggested(sumarni)["Pendampingan lansia"].receiving
    complete(sent(users["loket"], lansia, person=sumarni), users, days_ago=30)
    assert suggested(sumarni)["Pendampingan lansia"].receiving
    # A service delivering a programme: the programme received this year is receiving it.
    lansia.program = "atensi"
    lansia.save()
    Referral.objects.filter(service=lansia).update(finished_at=timezone.now() - datetime.timedelta(days=400))
    assert not suggested(sumarni)["Pendampingan lansia"].receiving
    ProgramReceipt.objects.create(person=sumarni, program="atensi", year=today().year)
    assert suggested(sumarni)["Pendampingan lansia"].receiving


def test_an_open_referral_or_a_draft_is_shown_only_to_who_may_open_it(users, matching_directory, sumarni):
    lansia = matching_directory["lansia"]
    referral = sent(users["loket"], lansia, person=sumarni)
    assert suggested(sumarni, users["manajer"])["Pendampingan lansia"].open_referral == referral
    assert suggested(sumarni, users["kel.kranggan"])["Pendampingan lansia"].open_referral is None
    assert suggested(sumarni, users["manajer"])["Pendampingan lansia"].draft is None
    services.referral_change_status(referral, to_status=ReferralStatus.REJECTED, note="x", acting_user=users["dinkes"])
    draft = services.referral_create(
        data={"service": lansia, "reason": "r", "request": "q", "consent_given": False},
        acting_user=users["kel.wates"],
        person=sumarni,
    )
    found = suggested(sumarni, users["manajer"])["Pendampingan lansia"]
    assert (found.open_referral, found.draft, found.receiving) == (None, draft, False)
    # A recommendation the manager did not approve stays a draft, closed: no longer pending.
    ReferralSettings.objects.update_or_create(pk=1, defaults={"decision_required": True})
    decisions.referral_decide(draft, decision=Decision.REJECTED, note="Belum perlu.", acting_user=users["manajer"])
    assert suggested(sumarni, users["manajer"])["Pendampingan lansia"].draft is None


def test_documents_the_file_lacks(users, matching_directory, sumarni):
    # A NIK at 68: the KTP; the household's KK number: the KK.
    assert suggested(sumarni)["Pendaftaran PBI-JK daerah"].missing_documents == ["SKTM"]
    assert suggested(sumarni)["Pendampingan lansia"].missing_documents == ["Surat keterangan dokter"]
    # A document provided on an earlier referral (to any service) is in the file.
    sent(users["loket"], matching_directory["pbi"], person=sumarni, documents_provided=["SKTM"])
    assert suggested(sumarni)["Pendaftaran PBI-JK daerah"].missing_documents == []
    # No household: no KK; no NIK: no KTP.
    alone = PersonFactory(region_id=WATES, birth_date=BORN, nik="")
    assert suggested(alone)["Pendampingan lansia"].missing_documents == ["KTP", "Surat keterangan dokter"]
    assert suggested(alone)["Adminduk jemput bola"].missing_documents == ["Surat pengantar RT/RW"]


def test_a_child_with_a_nik_has_no_ktp_yet(users, dinkes, sumarni):
    with_criteria(
        service_with_details(dinkes, "Beasiswa", documents=("KTP-el orang tua", "KTP", "Kartu Keluarga (KK)")),
        max_age=17,
    )
    child = PersonFactory(
        region_id=WATES, household=sumarni.household, birth_date=today().replace(year=today().year - 10)
    )
    assert suggested(child)["Beasiswa"].missing_documents == ["KTP-el orang tua", "KTP"]


def test_editing_a_services_criteria_shows_at_once(users, matching_directory, sumarni):
    assert "Layanan kriteria kosong" not in suggested(sumarni)
    criteria = matching_directory["empty"].criteria
    category = PpksCategory.objects.get(code=9)
    criteria.ppks_categories.add(category)  # an m2m change, no save of the criteria
    assert "Layanan kriteria kosong" not in suggested(sumarni)
    PersonPpks.objects.create(person=sumarni, category=category)
    found = suggested(sumarni)["Layanan kriteria kosong"]
    assert found.reasons == [("Kategori PPKS", str(category))]
    service = matching_directory["empty"]
    document = service.required_documents.create(document="SKTM", order=5)
    assert suggested(sumarni)["Layanan kriteria kosong"].missing_documents == ["SKTM"]
    document.delete()
    assert suggested(sumarni)["Layanan kriteria kosong"].missing_documents == []
    service.status = ServiceStatus.INACTIVE
    service.save()
    assert "Layanan kriteria kosong" not in suggested(sumarni)


# --- The person page ---------------------------------------------------------------------------
@pytest.mark.parametrize("username", ["manajer", "kel.wates", "loket"])
def test_the_person_page_lists_the_suggestions_with_reasons_badges_and_the_refer_button(
    users, client_for, matching_directory, sumarni, username
):
    lansia, pbi = matching_directory["lansia"], matching_directory["pbi"]
    open_referral = sent(users["loket"], pbi, person=sumarni)
    complete(sent(users["loket"], lansia, person=sumarni), users, days_ago=10)
    text = page(client_for(users[username]), sumarni)
    section = text[text.index('id="suggestions"') : text.index('id="person-referrals-title"')]
    assert "Layanan yang mungkin sesuai" in section
    assert f"Usia 60 tahun ke atas: <strong>{age_on(BORN, today())} tahun</strong>" in section
    assert "Desil kesejahteraan 4 ke bawah: <strong>3</strong>" in section
    assert "sudah menerima" in section
    assert f'href="{open_referral.get_absolute_url()}">rujukan terbuka {open_referral.number}' in section
    assert "Dokumen yang belum ada di berkas:</span> SKTM" in section
    assert "KTP dianggap ada" in section  # what "the file has" means
    for service in (lansia, pbi):
        assert f'href="{reverse("referrals:create")}?person={sumarni.pk}&service={service.pk}"' in section
    for name in ("Adminduk jemput bola", "Layanan untuk semua", "Layanan kriteria kosong", "Layanan ditutup"):
        assert name not in section


def test_no_suggestion_says_so(users, client_for, matching_directory):
    nobody = PersonFactory(region_id=WATES, birth_date=datetime.date(1995, 1, 1))
    assert "Tidak ada layanan berkriteria yang cocok" in page(client_for(users["kel.wates"]), nobody)


def test_agencies_never_see_the_suggestions(users, client_for, matching_directory, sumarni):
    assert person_suggestions(users["dinkes"], sumarni) is None
    complaint = make_complaint(users["loket"], subject=sumarni)
    complaint.status = Status.ASSESSMENT
    assert complaint_suggestions(users["dinkes"], complaint) is None
    response = client_for(users["dinkes"]).get(sumarni.get_absolute_url())
    assert response.status_code in (403, 404)
    assert "Sumarni" not in response.content.decode()


def test_the_panel_costs_at_most_two_queries(users, client_for, matching_directory, sumarni, monkeypatch):
    """Services, criteria and documents come from the reference cache; the person's referrals and
    assessed needs are one query each, whatever the number of services and referrals."""
    client = client_for(users["kel.wates"])
    with_criteria(
        ServiceFactory(agency=matching_directory["pbi"].agency, name="Layanan kesehatan"), need_domains=["kesehatan"]
    )
    assessment = Assessment.objects.create(
        household=sumarni.household,
        region_id=WATES,
        visited_on=today(),
        assessor=users["kel.wates"],
        status="submitted",
        is_latest=True,
    )
    AssessmentNeed.objects.create(assessment=assessment, domain="kesehatan", level=NeedLevel.URGENT)
    DisabilityProfile.objects.create(person=sumarni, types=["fisik"], severity="berat")
    PersonPpks.objects.create(person=sumarni, category=PpksCategory.objects.get(code=9))
    sent(users["loket"], matching_directory["pbi"], person=sumarni)
    with_panel = queries_for(client, sumarni.get_absolute_url())
    assert "Layanan kesehatan" in page(client, sumarni)
    for n in range(6):
        service = with_criteria(
            service_with_details(matching_directory["pbi"].agency, f"Layanan lansia {n}"), min_age=60
        )
        sent(users["loket"], service, person=sumarni, documents_provided=["KTP"])
    assert queries_for(client, sumarni.get_absolute_url()) == with_panel
    monkeypatch.delitem(panels._panels["person"], "matching")
    without = queries_for(client, sumarni.get_absolute_url())
    assert "Layanan yang mungkin sesuai" not in page(client, sumarni)
    assert with_panel - without <= 2


# --- The referral form, prefilled --------------------------------------------------------------
def create_url(**params):
    return reverse("referrals:create") + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_the_refer_button_prefills_the_service_and_the_reasons(users, client_for, matching_directory, sumarni):
    lansia = matching_directory["lansia"]
    client = client_for(users["kel.wates"])
    url = create_url(person=sumarni.pk, service=lansia.pk)
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["service"] == lansia.pk
    reason = f"Memenuhi kriteria layanan: Usia 60 tahun ke atas: {age_on(BORN, today())} tahun"
    assert form.initial["reason"] == reason
    text = html.unescape(response.content.decode())
    assert f'<option value="{lansia.pk}" selected>' in text
    assert reason in text
    assert "Surat keterangan dokter" in text  # the service's documents offered at once
    data = {
        "service": lansia.pk,
        "reason": reason,
        "request": "Mohon pendampingan.",
        "consent_given": "False",
    }
    response = client.post(url, data)
    referral = Referral.objects.get(person=sumarni)
    assert response.status_code == 302 and response.url == referral.get_absolute_url()
    assert (referral.service, referral.reason, referral.status) == (lansia, reason, ReferralStatus.DRAFT)


def test_a_prefill_warns_of_the_persons_unfinished_referral_to_that_service(
    users, client_for, matching_directory, sumarni
):
    """From a suggestion or the unserved list, the form for a service the person already has a draft
    (a recommendation waiting for the manager) or an open referral to says so, linked: a second
    recommendation for the same need otherwise goes unnoticed."""
    lansia, pbi = matching_directory["lansia"], matching_directory["pbi"]
    client = client_for(users["kel.wates"])
    assert 'id="same-service"' not in client.get(create_url(person=sumarni.pk, service=lansia.pk)).content.decode()
    draft = referral_draft(users["kel.wates"], lansia, person=sumarni)
    page = client.get(create_url(person=sumarni.pk, service=lansia.pk)).content.decode()
    assert 'id="same-service"' in page and draft.get_absolute_url() in page
    # Another service, or a recommendation the manager closed, is no reason to warn.
    assert 'id="same-service"' not in client.get(create_url(person=sumarni.pk, service=pbi.pk)).content.decode()
    Referral.objects.filter(pk=draft.pk).update(
        decision=Decision.REJECTED,
        decision_note="Sudah ditangani.",
        decided_by=users["manajer"],
        decided_at=timezone.now(),
    )
    assert 'id="same-service"' not in client.get(create_url(person=sumarni.pk, service=lansia.pk)).content.decode()


def test_a_prefill_the_person_does_not_meet_chooses_the_service_only(users, client_for, matching_directory, sumarni):
    client = client_for(users["manajer"])
    form = client.get(create_url(person=sumarni.pk, service=matching_directory["anyone"].pk)).context["form"]
    assert form.initial.get("service") == matching_directory["anyone"].pk and "reason" not in form.initial
    for bad in (matching_directory["closed"].pk, 999999, "x"):
        form = client.get(create_url(person=sumarni.pk, service=bad)).context["form"]
        assert "service" not in form.initial and "reason" not in form.initial


def test_a_prefill_for_a_person_outside_the_scope_is_404_and_names_nobody(
    users, client_for, matching_directory, sumarni
):
    response = client_for(users["kel.kranggan"]).get(
        create_url(person=sumarni.pk, service=matching_directory["lansia"].pk)
    )
    assert response.status_code == 404
    assert "Sumarni" not in response.content.decode()
    assert client_for(users["dinkes"]).get(create_url(person=sumarni.pk)).status_code == 403


def test_a_person_with_an_open_complaint_is_offered_the_referral_through_it(
    users, client_for, matching_directory, sumarni
):
    """From the unserved list or the person page the referral starts from the person; when they
    have an open complaint, the form offers to refer through it (followed there, resident told)."""
    lansia = matching_directory["lansia"]
    complaint = make_complaint(users["loket"], subject=sumarni)
    finished = make_complaint(users["loket"], subject=sumarni)
    complaint_services.complaint_change_status(
        finished, to_status=Status.CLOSED, note="Selesai, tidak perlu rujukan.", acting_user=users["manajer"]
    )
    through = f"{reverse('referrals:create')}?pengaduan={complaint.pk}&amp;service={lansia.pk}"
    page = client_for(users["kel.wates"]).get(create_url(person=sumarni.pk, service=lansia.pk)).content.decode()
    assert 'id="open-complaints"' in page and through in page
    assert f"pengaduan={finished.pk}" not in page
    # Through the complaint: the form keeps the service and the reasons, and the referral is the complaint's.
    client = client_for(users["kel.wates"])
    response = client.get(f"{reverse('referrals:create')}?pengaduan={complaint.pk}&service={lansia.pk}")
    assert response.context["form"].initial["service"] == lansia.pk
    assert 'id="open-complaints"' not in response.content.decode()
    # Someone who may not see the complaint is not offered it.
    other = client_for(users["kel.kranggan"]).get(create_url(person=sumarni.pk))
    assert other.status_code == 404


# --- The complaint page ------------------------------------------------------------------------
def test_the_complaint_page_shows_the_suggestions_while_in_assessment_only(
    users, client_for, matching_directory, sumarni
):
    client = client_for(users["manajer"])
    complaint = make_complaint(users["loket"], subject=sumarni)
    refer = f"{reverse('referrals:create')}?pengaduan={complaint.pk}&amp;service={matching_directory['lansia'].pk}"

    def shown():
        return "Layanan yang mungkin sesuai" in client.get(complaint.get_absolute_url()).content.decode()

    assert not shown()
    complaint_services.complaint_change_status(
        complaint, to_status=Status.ASSESSMENT, note="", acting_user=users["manajer"]
    )
    response = client.get(complaint.get_absolute_url())
    assert "Layanan yang mungkin sesuai" in response.content.decode() and refer in response.content.decode()
    form = client.get(html.unescape(refer)).context["form"]
    assert form.initial["reason"].startswith("Memenuhi kriteria layanan: Usia 60 tahun ke atas")
    complaint_services.complaint_change_status(
        complaint, to_status=Status.RESOLVED, note="Selesai.", acting_user=users["manajer"]
    )
    assert not shown()


def test_a_complaint_without_a_registry_person_shows_no_suggestions(users, client_for, matching_directory):
    complaint = make_complaint(users["loket"], subject=None, subject_name="Tanpa data", region_id=WATES)
    complaint_services.complaint_change_status(
        complaint, to_status=Status.ASSESSMENT, note="", acting_user=users["manajer"]
    )
    assert complaint_suggestions(users["manajer"], complaint) is None
