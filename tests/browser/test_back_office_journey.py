"""The SLRT back office end to end in chromium (issue 18): a resident's complaint asks for updates
by SMS; the kelurahan officer records the household's needs assessment on a tablet; the manager
opens the service's eligible-but-unserved list, finds the resident there because of that assessment,
and refers them through their complaint; another manager decides (penetapan layanan); the referral
is sent; the resident's updates (received, referred) are in the outbox, and nowhere twice."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Assessment
from complaints import services as complaint_services
from complaints.models import Category, Channel, Status
from notices.models import Message
from onegate.accounts.models import User
from referrals.eligibility import born_by
from referrals.matching import unserved_q
from referrals.models import Decision, Referral, ReferralStatus, Service
from registry.models import LifeStatus, Person, VerificationStatus
from tests.browser.test_roles import log_in, serious_violations
from tests.conftest import WATES

pytestmark = pytest.mark.browser
TABLET = {"width": 820, "height": 1180}
DESKTOP = {"width": 1280, "height": 900}
SERVICE = "Pelatihan kerja berbasis kompetensi"  # demo criteria: aged 17–45, an assessed economic need


def _resident(service) -> Person:
    """A Wates adult of working age, in a household, not yet eligible for the service: the
    assessment recorded in the browser is what puts them on its unserved list."""
    today = timezone.localdate()
    candidates = Person.objects.filter(
        region_id=WATES,
        household__isnull=False,
        merged_into__isnull=True,
        life_status=LifeStatus.ALIVE,
        birth_date__lte=born_by(today, 20),
        birth_date__gt=born_by(today, 40),
    ).exclude(unserved_q(service, today))
    return candidates.exclude(complaints__isnull=False).order_by("pk").first() or candidates.first()


def _complaint_with_updates(person):
    """What the front desk records (its browser path is tests/browser/test_notices.py): the
    complainant agrees to updates by SMS; the complaint goes into assessment."""
    desk = User.objects.get(username="loket")
    complaint = complaint_services.complaint_create(
        data={
            "channel": Channel.WALK_IN,
            "complainant_name": person.full_name,
            "complainant_phone": "0812-7777-1234",
            "category": Category.objects.filter(parent=None).order_by("pk").first(),
            "description": "Kehilangan pekerjaan, butuh pelatihan agar bisa bekerja lagi.",
            "subject": person,
        },
        acting_user=desk,
        updates_channel="sms",
    )
    return complaint_services.complaint_change_status(
        complaint,
        to_status=Status.ASSESSMENT,
        note="Dijadwalkan kunjungan rumah.",
        acting_user=User.objects.get(username="manajer"),
    )


def test_assessment_to_unserved_list_to_referral_to_the_residents_updates(demo_site, browser):
    service = Service.objects.get(name=SERVICE)
    resident = _resident(service)
    assert resident is not None, "the demo has a working-age Wates resident not yet eligible"
    complaint = _complaint_with_updates(resident)
    household = resident.household

    # 1. The kelurahan officer records the household's needs on a tablet: an urgent economic need.
    officer = browser.new_context(viewport=TABLET).new_page()
    log_in(officer, demo_site.url, "kel.wates")
    officer.goto(demo_site.url + household.get_absolute_url())
    officer.get_by_role("link", name="Asesmen baru").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Asesmen kebutuhan baru")
    officer.fill("#id_visited_on", timezone.localdate().strftime("%d/%m/%Y"))
    officer.select_option("#id_method", index=1)
    officer.locator("label[for='id_ekonomi-kk-level_2']").click()
    officer.fill("#id_ekonomi-kk-note", "Kepala keluarga kena PHK, ingin pelatihan las.")
    officer.fill("#id_summary", "Keluarga kehilangan penghasilan utama.")
    officer.fill("#id_recommendation", "Pelatihan kerja untuk anggota usia produktif.")
    officer.screenshot(path="var/journey-1-assessment-820.png", full_page=True)
    assert serious_violations(officer) == []
    officer.get_by_role("button", name="Ajukan").click()
    expect(officer.get_by_text("Mendesak").first).to_be_visible()
    assessment = Assessment.objects.get(household=household, is_latest=True)
    assert assessment.status == VerificationStatus.SUBMITTED
    assert assessment.needs.get(domain="ekonomi", person__isnull=True).level == 2

    # 2. The manager opens the unserved list of the training service: the resident is on it, urgent first.
    manager = browser.new_context(viewport=DESKTOP).new_page()
    log_in(manager, demo_site.url, "manajer")
    manager.goto(demo_site.url + reverse("referrals:unserved"))
    assert serious_violations(manager) == []
    manager.get_by_role("link", name=SERVICE).first.click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(SERVICE)
    manager.select_option("#id_region", WATES)
    manager.select_option("#id_order", label="Kebutuhan (mendesak dahulu)")
    manager.get_by_role("button", name="Tampilkan").click()
    row = manager.locator(f"#unserved-people tr[data-person='{resident.pk}']")
    expect(row).to_contain_text("Mendesak")
    manager.screenshot(path="var/journey-2-unserved-1280.png", full_page=True)
    assert serious_violations(manager) == []

    # 3. Refer the resident: the form offers their open complaint; through it, service and reasons stay.
    row.get_by_role("link", name="Rujuk").click()
    expect(manager.locator("#open-complaints")).to_contain_text(complaint.ticket_number)
    manager.locator("#open-complaints").get_by_role("link").first.click()
    expect(manager.locator("#id_service")).to_have_value(str(service.pk))
    expect(manager.locator("#id_reason")).to_contain_text("Memenuhi kriteria layanan")
    manager.fill("#id_request", "Mohon diikutkan pelatihan las angkatan berikutnya.")
    manager.locator("label[for='id_consent_given_1']").click()  # "Tidak": the minimum is shared
    manager.screenshot(path="var/journey-3-referral-form-1280.png", full_page=True)
    manager.get_by_role("button", name="Simpan draf").click()
    referral = Referral.objects.get(complaint=complaint)
    assert (referral.person, referral.service, referral.status) == (resident, service, ReferralStatus.DRAFT)
    expect(manager.locator("#awaits-decision")).to_be_visible()  # the office asks for a decision

    # 4. Another manager whose kecamatan holds Wates decides; then the referral is sent.
    decider = browser.new_context(viewport=TABLET).new_page()
    log_in(decider, demo_site.url, "manajer.magersari")
    decider.goto(demo_site.url + referral.get_absolute_url())
    decider.get_by_label("Ditetapkan: rujukan boleh dikirim ke instansi").check()
    decider.get_by_label("Catatan penetapan").fill("Sesuai asesmen kunjungan rumah.")
    decider.get_by_role("button", name="Simpan penetapan").click()
    referral.refresh_from_db()
    assert referral.decision == Decision.APPROVED
    manager.reload()
    manager.get_by_role("button", name="Kirim rujukan").click()
    expect(manager.locator("#decision-record")).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT and referral.number
    manager.screenshot(path="var/journey-4-sent-1280.png", full_page=True)

    # 5. The resident's updates are in the outbox, once each, carrying the ticket and nothing personal.
    complaint.refresh_from_db()
    assert complaint.status == Status.REFERRED
    messages = list(Message.objects.filter(topic_id=complaint.pk).order_by("pk"))
    assert [m.event for m in messages] == ["diterima", "dirujuk"]
    for message in messages:
        assert complaint.ticket_number in message.body
        assert resident.full_name not in message.body and (not resident.nik or resident.nik not in message.body)
    manager.goto(demo_site.url + complaint.get_absolute_url())
    expect(manager.get_by_text("0812****1234").first).to_be_visible()
    manager.screenshot(path="var/journey-5-complaint-1280.png", full_page=True)
