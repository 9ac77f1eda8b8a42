"""Referrals in chromium: the service directory searched on a tablet, a referral's journey, the
managers' follow-up from the notifications, the letter and its public check page; axe-core finds no
serious or critical violation on any referral page, forms with errors included."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import Referral, Service
from tests.browser.test_roles import log_in, serious_violations

pytestmark = pytest.mark.browser
TABLET = {"width": 820, "height": 1180}


def test_staff_search_the_service_directory_on_a_tablet(demo_site, browser):
    page = browser.new_context(viewport=TABLET).new_page()
    log_in(page, demo_site.url, "dinkes")
    page.goto(demo_site.url + reverse("referrals:directory"))
    assert serious_violations(page) == []
    page.locator("#id_q").fill("kursi roda")
    page.locator("#id_q").press("Enter")
    expect(page.locator("#directory-results article")).to_have_count(1)
    expect(page.locator("#directory-results")).to_contain_text("alat bantu disabilitas")
    assert "q=kursi%20roda" in page.url  # the search is in the address, so it can be shared and reloaded
    assert serious_violations(page) == []
    page.locator("#id_category").select_option("adminduk")  # a select refreshes the results by itself
    expect(page.locator("#directory-results")).to_contain_text("Tidak ada layanan yang cocok")
    page.locator("#id_q").fill("")
    page.locator("#id_q").press("Enter")
    expect(page.locator("#directory-results article")).to_have_count(
        Service.objects.filter(category="adminduk").count()
    )
    page.locator("#directory-results article a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        Service.objects.filter(category="adminduk").order_by("agency__name", "name").first().name
    )
    assert serious_violations(page) == []


def test_loket_refers_a_complaint_the_agency_completes_and_the_complaint_is_closed(demo_site, browser):
    from complaints.models import Complaint

    complaint = (
        Complaint.objects.filter(status="asesmen", subject__nik__isnull=False, referrals__isnull=True)
        .order_by("pk")
        .first()
    )
    service = Service.objects.get(agency__code="dinkes", name="Pendaftaran PBI-JK daerah")
    desk = browser.new_context(viewport=TABLET).new_page()
    log_in(desk, demo_site.url, "loket")
    desk.goto(demo_site.url + complaint.get_absolute_url())
    desk.locator("#complaint-referrals a[href*='pengaduan=']").click()
    assert serious_violations(desk) == []
    desk.locator("#id_service").select_option(str(service.pk))
    expect(desk.locator("#documents-field input[type=checkbox]")).to_have_count(3)  # KTP, KK, SKTM arrive by htmx
    desk.locator("#documents-field input[value='SKTM']").check()
    desk.locator("#id_reason").fill("Kartu BPJS PBI tidak aktif saat berobat.")
    desk.locator("#id_request").fill("Mohon pengaktifan kembali PBI-JK.")
    desk.locator("input[name=consent_given][value=True]").check()
    desk.locator("#id_consent_by").fill(complaint.subject.full_name)
    desk.locator("#id_consent_giver").select_option("diri_sendiri")
    desk.locator("#id_consent_method").select_option("tertulis")
    desk.locator("form.og-referral-form button[type=submit]").click()
    expect(desk.locator("#referral-status")).to_be_visible()
    assert serious_violations(desk) == []
    # The demo office asks for the manager's decision (penetapan layanan) before a referral is sent.
    expect(desk.locator("#awaits-decision")).to_be_visible()
    expect(desk.locator("form[action$='/kirim/']")).to_have_count(0)
    manager = browser.new_context(viewport=TABLET).new_page()
    log_in(manager, demo_site.url, "manajer")
    manager.goto(demo_site.url + reverse("referrals:list") + "?penetapan=menunggu")
    manager.locator(f"a[href='{complaint.referrals.get().get_absolute_url()}']").click()
    assert serious_violations(manager) == []
    manager.locator("input[name=decision][value=ditetapkan]").check()
    manager.locator("#decision-section #id_note").fill("Sesuai hasil asesmen.")
    manager.locator("#decision-section button[type=submit]").click()
    expect(manager.locator("#decision-record")).to_contain_text("Sri Wahyuni")
    assert serious_violations(manager) == []
    desk.reload()
    desk.locator("form[action$='/kirim/'] button[type=submit]").click()
    referral = complaint.referrals.get()
    expect(desk.get_by_role("heading", level=1)).to_contain_text(referral.number)

    agency = browser.new_context(viewport=TABLET).new_page()
    log_in(agency, demo_site.url, "dinkes")
    agency.locator(
        f"main a[href='{reverse('referrals:list')}']"
    ).click()  # the home page's card (the menu is folded on a tablet)
    assert serious_violations(agency) == []
    agency.locator(f"a[href='{referral.get_absolute_url()}']").click()
    expect(agency.locator("#shared-person")).to_contain_text(complaint.subject.nik)  # consent was given
    assert serious_violations(agency) == []
    agency.locator("#id_to_status").select_option("diterima")
    agency.locator("form[action$='/status/'] button[type=submit]").click()
    agency.locator("#id_to_status").select_option("selesai")
    agency.locator("form[action$='/status/'] #id_note").fill("PBI-JK aktif kembali mulai hari ini.")
    agency.locator("form[action$='/status/'] button[type=submit]").click()
    expect(agency.locator("#referral-outcome")).to_contain_text("PBI-JK aktif kembali")
    assert serious_violations(agency) == []

    desk.goto(demo_site.url + complaint.get_absolute_url())
    expect(desk.locator("#close-note")).to_have_value(
        re.compile(rf"^{re.escape(service.agency.name)} \(.+\): PBI-JK aktif kembali mulai hari ini\.$")
    )
    assert serious_violations(desk) == []
    desk.locator("#close-prompt button[type=submit]").click()
    complaint.refresh_from_db()
    assert complaint.status == "selesai" and "PBI-JK aktif kembali" in complaint.closing_reason
    expect(desk.locator("#close-prompt")).to_have_count(0)


def test_a_manager_follows_up_overdue_referrals_from_the_notifications(demo_site, browser):
    from onegate.notifications.models import Notification

    unread = Notification.objects.filter(user__username="manajer", read_at__isnull=True).count()
    page = browser.new_context(viewport=TABLET).new_page()
    log_in(page, demo_site.url, "manajer")
    expect(page.locator("#unread-count")).to_have_text(str(unread))  # outside the folded menu: visible on a tablet
    page.locator("#notifications-link").click()
    expect(page.locator("#notification-list li")).to_have_count(unread)
    assert serious_violations(page) == []
    first = page.locator("#notification-list li a").first
    first.click()
    expect(page).to_have_url(re.compile(r"/rujukan/\d+/$"))
    expect(page.locator("#referral-status")).to_be_visible()
    expect(page.locator("#unread-count")).to_have_text(str(unread - 1))

    page.goto(demo_site.url + reverse("referrals:list"))
    page.locator("#performance-link").click()
    expect(page.locator("#agency-performance tbody tr").first.locator("td").nth(7)).not_to_have_text(
        "0"
    )  # overdue first
    expect(page.locator("#overdue-referrals tbody tr")).to_have_count(
        Referral.objects.filter(
            status__in=["dikirim", "diterima", "diproses"], due_date__lt=timezone.localdate()
        ).count()
    )
    assert serious_violations(page) == []
    page.locator("#id_sent_from").fill("31/12/2026")
    page.locator("#id_sent_until").fill("01/01/2026")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert serious_violations(page) == []

    page.goto(demo_site.url + reverse("notifications:list"))
    page.locator("#mark-all-read").click()
    expect(page.locator("#unread-count")).to_have_count(0)
    assert serious_violations(page) == []


def test_the_letter_downloads_and_its_public_check_page_is_accessible(demo_site, browser):
    referral = Referral.objects.filter(agency__code="dinkes", status="dikirim").order_by("pk").first()
    agency = browser.new_context(viewport=TABLET)
    page = agency.new_page()
    log_in(page, demo_site.url, "dinkes")
    page.goto(demo_site.url + referral.get_absolute_url())
    letter = page.request.get(demo_site.url + page.locator("#letter-download").get_attribute("href"))
    assert (
        letter.status == 200
        and letter.headers["content-type"] == "application/pdf"
        and letter.body().startswith(b"%PDF")
    )
    # A form sent with errors: rejecting without the reason.
    page.locator("#id_to_status").select_option("ditolak")
    page.locator("form[action$='/status/'] button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert serious_violations(page) == []

    public = browser.new_context(viewport=TABLET).new_page()  # no account: anyone holding the letter
    public.goto(demo_site.url + reverse("referrals-public:verify", args=[referral.verification_token]))
    expect(public.locator("#letter-genuine")).to_be_visible()
    expect(public.locator("#letter-facts")).to_contain_text(referral.number)
    expect(public.locator("#letter-facts")).not_to_contain_text(referral.person_name)
    assert serious_violations(public) == []
    missing = public.goto(demo_site.url + reverse("referrals-public:verify", args=["bukan-kode-yang-benar"]))
    assert missing.status == 404


def test_a_referral_form_sent_with_errors_is_accessible(demo_site, browser):
    from complaints.models import Complaint

    complaint = Complaint.objects.filter(status="asesmen", referrals__isnull=True).order_by("pk").first()
    page = browser.new_context(viewport=TABLET).new_page()
    log_in(page, demo_site.url, "loket")
    page.goto(demo_site.url + reverse("referrals:create") + f"?pengaduan={complaint.pk}")
    page.locator("input[name=consent_given][value=True]").check()
    page.locator("form.og-referral-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert serious_violations(page) == []
