"""Eligible but unserved (/rujukan/kelayakan/): the counts follow the definitions of
referrals.matching, the lists, exports and printed list hold only the user's area, agencies and the
front desk are refused, the exports carry the right columns (a national programme's: a DTSEN
proposal's) with formulas neutralised and an audit entry, and the list pages, filters and sorts."""

import csv
import io

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from assessments.models import NeedLevel
from onegate import navigation
from onegate.audit import entry_model
from referrals import exports, unserved
from referrals.matching import eligible_for_q, receiving_q, referred_q, unserved_q
from referrals.models import ReferralStatus, ServiceCriteria, ServiceStatus, UnservedCandidate, UnservedCount
from referrals.services import referral_change_status
from registry.models import Person, ProgramReceipt, WelfareProfile
from reports.models import ReportStatus, ReportType
from tests.conftest import KRANGGAN, WATES
from tests.factories import HouseholdFactory, PersonFactory
from tests.referrals.conftest import draft, sent
from tests.referrals.factories import ServiceFactory, service_with_details
from tests.referrals.test_eligibility import assess
from tests.reports.conftest import pdf_text, private_media, render  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
FORMULA_NAME = '=HYPERLINK("http://x","Klik")'
REFUSED = ("loket", "dinkes", "admin")


def resident(name, region=WATES, *, decile=None, nik=None, **extra):
    household = HouseholdFactory(region_id=region, address=f"Jl. {name[:20]} No. 3", rt="001", rw="002")
    fields = {"full_name": name, "region_id": region, "household": household, **extra}
    if nik is not None:
        fields["nik"] = nik
    person = PersonFactory(**fields)
    if decile is not None:
        WelfareProfile.objects.create(person=person, dtks_status="terdaftar", decile=decile)
    return person


@pytest.fixture
def world(users, dinkes):
    """PKH (a national programme, decile ≤ 4) and a disability aid (no NIK needed, not national).
    Wates: Ani (decile 1, urgent food need: unserved), Budi (decile 3, receives PKH this year),
    Citra (decile 2, an open referral), Eko (decile 4, a referral completed this year), Dedi
    (decile 7: not eligible), a name typed as a formula (decile 2: unserved). Kranggan: Fajar
    (decile 1: unserved)."""
    pkh = service_with_details(dinkes, "Pendampingan PKH", documents=(), category="bansos", program="pkh")
    ServiceCriteria.objects.create(service=pkh, max_decile=4)
    people = {
        "ani": resident("Ani Wates", decile=1),
        "budi": resident("Budi Wates", decile=3),
        "citra": resident("Citra Wates", decile=2),
        "eko": resident("Eko Wates", decile=4),
        "dedi": resident("Dedi Wates", decile=7),
        "formula": resident(FORMULA_NAME, decile=2),
        "fajar": resident("Fajar Kranggan", KRANGGAN, decile=1),
    }
    ProgramReceipt.objects.create(person=people["budi"], program="pkh", year=timezone.localdate().year)
    sent(users["manajer"], pkh, person=people["citra"])
    done = sent(users["manajer"], pkh, person=people["eko"])
    referral_change_status(done, to_status=ReferralStatus.ACCEPTED, note="", acting_user=users["dinkes"])
    referral_change_status(
        done, to_status=ReferralStatus.COMPLETED, note="Sudah menerima.", acting_user=users["dinkes"]
    )
    assess(people["ani"].household, users["kel.wates"], [(None, "pangan", NeedLevel.URGENT)])
    return {"pkh": pkh, **people}


def names_in(response) -> set[str]:
    rows = response.context["rows"]
    return {row["person"].full_name for row in rows}


# --- The counts ---------------------------------------------------------------------------------
def test_counts_follow_the_definitions_in_each_users_area(users, world):
    pkh, today = world["pkh"], timezone.localdate()
    unserved.refresh_counts()
    for username, region in (("manajer", "35.76"), ("kel.wates", WATES), ("kel.kranggan", KRANGGAN)):
        (row,) = [c for c in unserved.service_counts(users[username]) if c.service == pkh]
        people = Person.objects.filter(region__code__startswith=region).filter(eligible_for_q(pkh, today))
        expected = (
            people.count(),
            people.filter(receiving_q(pkh, today)).count(),
            people.filter(referred_q(pkh)).count(),
            Person.objects.filter(region__code__startswith=region).filter(unserved_q(pkh, today)).count(),
        )
        assert (row.eligible, row.receiving, row.referred, row.unserved) == expected, username
        assert row.counted_at is not None
    (city,) = [c for c in unserved.service_counts(users["manajer"]) if c.service == pkh]
    assert (city.eligible, city.receiving, city.referred, city.unserved) == (6, 2, 1, 3)
    (wates,) = [c for c in unserved.service_counts(users["kel.wates"]) if c.service == pkh]
    assert (wates.eligible, wates.receiving, wates.referred, wates.unserved) == (5, 2, 1, 2)


def test_only_active_services_with_criteria_are_listed(users, world, dinkes):
    ServiceFactory(agency=dinkes, name="Tanpa kriteria")
    empty = ServiceFactory(agency=dinkes, name="Kriteria kosong")
    ServiceCriteria.objects.create(service=empty)
    closed = ServiceFactory(agency=dinkes, name="Tutup", status=ServiceStatus.INACTIVE)
    ServiceCriteria.objects.create(service=closed, max_decile=2)
    assert [s.name for s in unserved.listed_services()] == ["Pendampingan PKH"]


def test_a_sent_or_finished_referral_has_its_service_counted_again(
    users, world, monkeypatch, django_capture_on_commit_callbacks
):
    from onegate import jobs

    sent_jobs = []
    monkeypatch.setattr(jobs, "send", lambda task, *args: sent_jobs.append((task.name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        sent(users["manajer"], world["pkh"], person=world["ani"])
    assert sent_jobs == [("referrals.tasks.refresh_unserved_counts", ([world["pkh"].pk],))]


def test_the_index_shows_the_counts_and_a_manager_may_count_again(users, world, client_for):
    unserved.refresh_counts()
    page = client_for(users["kel.wates"]).get("/rujukan/kelayakan/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-count="unserved"><a href="/rujukan/kelayakan/{world["pkh"].pk}/">2</a>' in html
    assert "Count again" not in html and "Hitung ulang" not in html
    assert client_for(users["kel.wates"]).post("/rujukan/kelayakan/hitung-ulang/").status_code == 403
    page = client_for(users["manajer"]).get("/rujukan/kelayakan/")
    assert f'data-count="unserved"><a href="/rujukan/kelayakan/{world["pkh"].pk}/">3</a>' in page.content.decode()
    assert client_for(users["manajer"]).post("/rujukan/kelayakan/hitung-ulang/").status_code == 302


def test_the_menu_offers_the_lists_to_managers_and_kelurahan_officers_only(users):
    for username in ("manajer", "kel.wates"):
        assert "unserved" in {item["key"] for item in navigation.items_for(users[username])}, username
    for username in ("loket", "dinkes", "admin"):
        assert "unserved" not in {item["key"] for item in navigation.items_for(users[username])}, username


# --- The list ------------------------------------------------------------------------------------
def test_a_kelurahan_officers_list_holds_only_their_people(users, world, client_for):
    url = f"/rujukan/kelayakan/{world['pkh'].pk}/"
    assert names_in(client_for(users["kel.wates"]).get(url)) == {"Ani Wates", FORMULA_NAME}
    # Another kelurahan is not a choice: the filter is refused and the list stays theirs.
    assert names_in(client_for(users["kel.wates"]).get(url, {"region": KRANGGAN})) == {"Ani Wates", FORMULA_NAME}
    assert names_in(client_for(users["kel.kranggan"]).get(url)) == {"Fajar Kranggan"}
    manager = client_for(users["manajer"])
    assert names_in(manager.get(url)) == {"Ani Wates", FORMULA_NAME, "Fajar Kranggan"}
    assert names_in(manager.get(url, {"region": KRANGGAN})) == {"Fajar Kranggan"}


def test_each_row_says_why_and_links_to_a_prefilled_referral(users, world, client_for):
    page = client_for(users["kel.wates"]).get(f"/rujukan/kelayakan/{world['pkh'].pk}/")
    html = page.content.decode()
    ani = world["ani"]
    assert f"/rujukan/baru/?person={ani.pk}&amp;service={world['pkh'].pk}" in html
    (row,) = [r for r in page.context["rows"] if r["person"] == ani]
    assert row["decile"] == 1 and row["urgency"] == NeedLevel.URGENT
    assert len(row["reasons"]) == 1 and row["reasons"][0].endswith(": 1")  # highest decile: the person's 1


def test_a_service_without_a_list_is_not_found(users, world, client_for, dinkes):
    other = ServiceFactory(agency=dinkes, name="Tanpa kriteria")
    assert client_for(users["manajer"]).get(f"/rujukan/kelayakan/{other.pk}/").status_code == 404


def test_agencies_front_desk_and_administrators_are_refused_everywhere(users, world, client_for):
    pk = world["pkh"].pk
    for username in REFUSED:
        client = client_for(users[username])
        for url in ("/rujukan/kelayakan/", f"/rujukan/kelayakan/{pk}/", f"/rujukan/kelayakan/{pk}/ekspor.csv",
                    f"/rujukan/kelayakan/{pk}/ekspor.xlsx"):  # fmt: skip
            assert client.get(url).status_code == 403, (username, url)
        assert client.post(f"/laporan/calon-penerima/{pk}/").status_code == 403, username
        assert client.post("/rujukan/kelayakan/hitung-ulang/").status_code == 403, username


def test_pages_filter_and_sorts(users, world, client_for):
    pkh = world["pkh"]
    for n in range(30):
        resident(f"Warga {n:02d}", decile=1 + n % 4)
    urgent = resident("Zaenal Mendesak", decile=4)
    needed = resident("Yuli Perlu", decile=3)
    assess(urgent.household, users["kel.wates"], [(None, "ekonomi", NeedLevel.URGENT)])
    assess(needed.household, users["kel.wates"], [(None, "pangan", NeedLevel.NEEDED)])
    client = client_for(users["kel.wates"])
    url = f"/rujukan/kelayakan/{pkh.pk}/"
    first = client.get(url)
    assert first.context["page"].paginator.count == 34  # 30 + Zaenal, Yuli, Ani and the formula
    deciles = [row["decile"] for row in first.context["rows"]]
    assert len(deciles) == 25 and deciles == sorted(deciles)
    second = client.get(url, {"page": 2})
    assert len(second.context["rows"]) == 9
    assert names_in(first) | names_in(second) == set(
        Person.objects.filter(region_id=WATES)
        .filter(unserved_q(pkh, timezone.localdate()))
        .values_list("full_name", flat=True)
    )
    by_urgency = client.get(url, {"order": "urgensi"})
    top = [row["person"].full_name for row in by_urgency.context["rows"][:3]]
    assert top == ["Ani Wates", "Zaenal Mendesak", "Yuli Perlu"]  # urgent (poorest first), then needed
    assert by_urgency.context["page"].paginator.count == 34
    third = client.get(url, {"order": "urgensi", "page": 2})
    assert names_in(by_urgency) | names_in(third) == names_in(first) | names_in(second)


# --- Exports -----------------------------------------------------------------------------------------
def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_a_national_programmes_export_is_a_proposal_with_formulas_neutralised_and_audited(users, world, client_for):
    pkh = world["pkh"]
    assert unserved.is_proposal_list(pkh)
    response = client_for(users["manajer"]).get(f"/rujukan/kelayakan/{pkh.pk}/ekspor.csv")
    assert response.status_code == 200
    assert 'filename="usulan-layanan-' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == exports.PROPOSAL_HEADERS
    assert header[:3] == ["nik", "no_kk", "nama"] and {"alamat", "kode_wilayah", "desil", "alasan"} <= set(header)
    by_name = {row[2]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_name) == {"Ani Wates", "'" + FORMULA_NAME, "Fajar Kranggan"}
    ani = by_name["Ani Wates"]
    assert ani["nik"] == world["ani"].nik and ani["no_kk"] == world["ani"].household.kk_number  # whole, for a manager
    assert ani["kode_wilayah"] == WATES and ani["desil"] == "1" and ani["program_diusulkan"] == "PKH"
    assert ani["alasan"].endswith(": 1") and ani["alamat"].startswith("Jl. Ani Wates")
    LogEntry = entry_model()
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_pk="export", actor=users["manajer"]
    ).get()
    assert entry.additional_data["rows"] == 3 and entry.additional_data["filters"]["service"] == pkh.pk
    assert entry.additional_data["export"] == "csv"


def test_the_xlsx_export_writes_formulas_as_text_and_holds_the_officers_people_only(users, world, client_for):
    response = client_for(users["kel.wates"]).get(f"/rujukan/kelayakan/{world['pkh'].pk}/ekspor.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == exports.PROPOSAL_HEADERS
    assert {row[2] for row in rows[1:]} == {"Ani Wates", FORMULA_NAME}
    formula_cell = next(cell for cell in sheet["C"] if cell.value == FORMULA_NAME)
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix


def test_another_services_export_lists_what_the_office_works_with(users, dinkes, client_for):
    aid = service_with_details(dinkes, "Alat bantu", documents=(), category="disabilitas")
    ServiceCriteria.objects.create(service=aid, has_nik=False)
    resident("Tanpa NIK", nik="", needs_civil_documents=True)
    response = client_for(users["kel.wates"]).get(f"/rujukan/kelayakan/{aid.pk}/ekspor.csv")
    header, *rows = csv_rows(response)
    assert header == exports.LIST_HEADERS and not unserved.is_proposal_list(aid)
    assert [row[2] for row in rows] == ["Tanpa NIK"] and rows[0][0] == ""


# --- The printed list ----------------------------------------------------------------------------------
def test_the_printed_list_holds_the_requesters_unserved_people(users, world, render):  # noqa: F811
    report = render(users["kel.wates"], ReportType.UNSERVED_LIST, service=world["pkh"])
    assert report.status == ReportStatus.READY, report.error
    text = pdf_text(report)
    assert "Daftar calon penerima layanan" in text or "List of candidate recipients" in text
    assert "Ani Wates" in text and "HYPERLINK" in text
    for absent in ("Fajar Kranggan", "Budi Wates", "Citra Wates", "Eko Wates", "Dedi Wates"):
        assert absent not in text, absent
    assert world["ani"].nik not in text  # masked on paper
    city = render(users["manajer"], ReportType.UNSERVED_LIST, service=world["pkh"], regions=[KRANGGAN])
    city_text = pdf_text(city)
    assert "Fajar Kranggan" in city_text and "Ani Wates" not in city_text


def test_the_printed_list_is_asked_from_the_service_page_within_the_area(users, world, client_for, private_media):  # noqa: F811
    from reports import services as report_services

    pk = world["pkh"].pk
    client = client_for(users["kel.wates"])
    response = client.post(f"/laporan/calon-penerima/{pk}/", {"region": WATES})
    report = report_services.visible_reports(users["kel.wates"]).get()
    assert response.status_code == 302 and response["Location"] == f"/laporan/{report.pk}/"
    assert report.report_type == ReportType.UNSERVED_LIST and report.service_id == pk and report.regions == [WATES]
    refused = client.post(f"/laporan/calon-penerima/{pk}/", {"region": KRANGGAN})
    assert refused.status_code == 302 and refused["Location"] == f"/rujukan/kelayakan/{pk}/"
    assert report_services.visible_reports(users["kel.wates"]).count() == 1


# --- Demo data ------------------------------------------------------------------------------------------
def test_the_demo_gives_the_manager_and_wates_non_empty_lists(client_for):
    from django.core.management import call_command

    from onegate.accounts.models import User

    call_command("seed_demo", stdout=io.StringIO())
    assert UnservedCount.objects.exists()  # counted when the demo is seeded
    for username in ("manajer", "kel.wates"):
        user = User.objects.get(username=username)
        counts = unserved.service_counts(user)
        assert any(c.unserved for c in counts), username
        best = max(counts, key=lambda c: c.unserved or 0)
        page = client_for(user).get(f"/rujukan/kelayakan/{best.service.pk}/")
        assert page.context["rows"], username


def test_the_list_reads_few_queries(users, world, client_for, django_assert_max_num_queries):
    client = client_for(users["manajer"])
    url = f"/rujukan/kelayakan/{world['pkh'].pk}/"
    client.get(url)
    with django_assert_max_num_queries(16):
        client.get(url)


def test_the_lists_count_follows_a_referral_sent_from_it(users, world, client_for, django_capture_on_commit_callbacks):
    client = client_for(users["kel.wates"])
    url = f"/rujukan/kelayakan/{world['pkh'].pk}/"
    assert client.get(url).context["page"].paginator.count == 2  # counted, and remembered
    with django_capture_on_commit_callbacks(execute=True):
        sent(users["kel.wates"], world["pkh"], person=world["ani"])
    page = client.get(url)
    assert page.context["page"].paginator.count == 1 and names_in(page) == {FORMULA_NAME}


def test_a_service_nobody_qualifies_for_shows_zeros_once_counted(users, world, dinkes):
    nobody = service_with_details(dinkes, "Untuk lansia 120 tahun", documents=())
    ServiceCriteria.objects.create(service=nobody, min_age=120)
    unserved.refresh_counts()
    (row,) = [c for c in unserved.service_counts(users["kel.wates"]) if c.service == nobody]
    assert (row.eligible, row.unserved) == (0, 0) and row.counted_at is not None


def test_a_service_for_one_kelurahan_lists_only_its_residents_as_the_person_page_suggests(users, world, dinkes):
    """A service's area bounds who is eligible, in the lists as on the person page."""
    from referrals.matching import for_matching, suggestions_for

    wates_only = service_with_details(dinkes, "Posyandu lansia Wates", documents=(), area_id=WATES)
    ServiceCriteria.objects.create(service=wates_only, max_decile=4)
    today = timezone.localdate()
    eligible = set(Person.objects.filter(eligible_for_q(wates_only, today)).values_list("full_name", flat=True))
    assert "Ani Wates" in eligible and "Fajar Kranggan" not in eligible
    for name, expected in (("Ani Wates", True), ("Fajar Kranggan", False)):
        person = for_matching(Person.objects.filter(full_name=name)).get()
        names = {s.service.name for s in suggestions_for(person, today, services=[wates_only])}
        assert ("Posyandu lansia Wates" in names) is expected


# --- The candidates table: made once, kept current from the audit trail ------------------------------
def candidate_names(service) -> set[str]:
    return set(UnservedCandidate.objects.filter(service=service).values_list("person__full_name", flat=True))


def test_the_list_is_made_once_then_follows_each_change_at_once(users, world, client_for):
    pkh, client = world["pkh"], client_for(users["kel.wates"])
    url = f"/rujukan/kelayakan/{pkh.pk}/"
    assert names_in(client.get(url)) == {"Ani Wates", FORMULA_NAME}
    # Made for the whole registry at the first read, whoever read it.
    assert candidate_names(pkh) == {"Ani Wates", FORMULA_NAME, "Fajar Kranggan"}
    # Changes through the registry's and the office's usual writes (each leaves an audit entry).
    dedi = world["dedi"].welfare
    dedi.decile = 2
    dedi.save()  # now poor enough
    resident("Gita Baru", decile=1)  # registered after the list was made
    world["ani"].delete()  # erased
    ProgramReceipt.objects.create(person=world["formula"], program="pkh", year=timezone.localdate().year)
    assess(world["dedi"].household, users["kel.wates"], [(None, "ekonomi", NeedLevel.URGENT)])
    page = client.get(url, {"order": "urgensi"})
    assert [row["person"].full_name for row in page.context["rows"]] == ["Dedi Wates", "Gita Baru"]
    assert page.context["page"].paginator.count == 2
    assert candidate_names(pkh) == {"Dedi Wates", "Gita Baru", "Fajar Kranggan"}
    assert UnservedCandidate.objects.get(service=pkh, person=world["dedi"]).urgency == NeedLevel.URGENT


def test_a_change_the_trail_does_not_hold_leaves_the_page_and_the_table_as_it_is_read(users, world, client_for):
    pkh, client = world["pkh"], client_for(users["kel.wates"])
    url = f"/rujukan/kelayakan/{pkh.pk}/"
    client.get(url)
    WelfareProfile.objects.filter(person=world["ani"]).update(decile=9)  # no signal, no audit entry
    assert names_in(client.get(url)) == {FORMULA_NAME}
    assert "Ani Wates" not in candidate_names(pkh)


def test_criteria_edited_make_the_list_again(users, world, client_for):
    pkh, client = world["pkh"], client_for(users["kel.wates"])
    url = f"/rujukan/kelayakan/{pkh.pk}/"
    client.get(url)
    pkh.criteria.max_decile = 1
    pkh.criteria.save()
    assert names_in(client.get(url)) == {"Ani Wates"}


def test_an_import_or_a_new_day_has_a_worker_make_the_list_whole(users, world, client_for, monkeypatch):
    from onegate import jobs
    from referrals.models import UnservedListState
    from referrals.tasks import rebuild_unserved_list

    pkh, client = world["pkh"], client_for(users["kel.wates"])
    url = f"/rujukan/kelayakan/{pkh.pk}/"
    client.get(url)
    asked = []
    monkeypatch.setattr(jobs, "send", lambda task, *args: asked.append((task.name, args)))
    monkeypatch.setattr(unserved, "CATCH_UP_MAX", 1)  # more changed than a read checks
    resident("Gita Baru", decile=1)
    resident("Hana Baru", decile=1)
    assert names_in(client.get(url)) == {"Ani Wates", FORMULA_NAME}  # read as it is meanwhile
    assert asked == [("referrals.tasks.rebuild_unserved_list", (pkh.pk,))]
    rebuild_unserved_list(pkh.pk)
    monkeypatch.setattr(unserved, "CATCH_UP_MAX", 5000)
    assert names_in(client.get(url)) == {"Ani Wates", FORMULA_NAME, "Gita Baru", "Hana Baru"}
    # A new day: ages and "this year" are reckoned again by a worker.
    from django.core.cache import cache

    cache.clear()
    asked.clear()
    UnservedListState.objects.filter(service=pkh).update(built_on=timezone.localdate() - timezone.timedelta(days=1))
    client.get(url)
    assert asked == [("referrals.tasks.rebuild_unserved_list", (pkh.pk,))]


def test_a_process_with_an_older_copy_of_the_criteria_does_not_make_the_list_again(users, world):
    from referrals.models import UnservedListState

    pkh = unserved.listed_service(world["pkh"].pk)
    unserved.candidates(users["kel.wates"], pkh)
    built = UnservedListState.objects.get(service=pkh).built_at
    older = unserved.listed_service(pkh.pk)
    older.criteria.max_decile = 9  # as another worker's copy, kept for the cache's TTL, may differ
    unserved.catch_up(older)
    assert UnservedListState.objects.get(service=pkh).built_at == built
    ServiceCriteria.objects.filter(service=pkh).update(max_decile=1)  # now really edited
    unserved.catch_up(unserved.listed_service(pkh.pk))
    assert UnservedListState.objects.get(service=pkh).built_at > built
    assert candidate_names(pkh) == {"Ani Wates", "Fajar Kranggan"}


def test_a_change_committed_after_a_read_but_stamped_before_it_is_caught_up(users, world, client_for):
    """A transaction's entries carry the time they were written, not committed: a read looks back
    CATCH_UP_MARGIN, and skips the entries it has already read."""
    from referrals.models import UnservedListState

    pkh, client = world["pkh"], client_for(users["kel.wates"])
    url = f"/rujukan/kelayakan/{pkh.pk}/"
    client.get(url)
    client.get(url)
    read_at = UnservedListState.objects.get(service=pkh).caught_up_at
    dedi = world["dedi"].welfare
    dedi.decile = 2
    dedi.save()
    entry_model().objects.filter(about_id=world["dedi"].pk).update(timestamp=read_at - timezone.timedelta(seconds=60))
    assert "Dedi Wates" in names_in(client.get(url))


def test_a_row_names_the_persons_draft_to_the_service_and_the_page_the_criteria_checked(users, world, client_for):
    """Found looking at the demo: a person with a recommendation waiting for the decision showed as
    plainly unserved, inviting a second one; the page showed only the free text of who the service
    is for, not what the list checks."""
    from referrals.models import ReferralSettings

    ReferralSettings.objects.update_or_create(pk=1, defaults={"decision_required": True})
    recommendation = draft(users["manajer"], world["pkh"], person=world["ani"])
    page = client_for(users["kel.wates"]).get(f"/rujukan/kelayakan/{world['pkh'].pk}/")
    (row,) = [r for r in page.context["rows"] if r["person"] == world["ani"]]
    assert row["drafts"] == [recommendation]
    html = page.content.decode()
    assert f'href="{recommendation.get_absolute_url()}"' in html and "Menunggu penetapan" in html
    assert "Desil kesejahteraan 4 ke bawah" in html or "Desil kesejahteraan tertinggi: 4" in html


@pytest.mark.django_db(transaction=True)
def test_reads_and_a_worker_writing_the_list_at_once_leave_it_exact(users, world):
    """Two readers catching up, a worker making the list whole and a page re-checking its rows, all
    at the same moment: nothing fails, nothing is doubled, the table is the definition's list."""
    import threading

    from django.db import connection

    pkh = unserved.listed_service(world["pkh"].pk)
    unserved.candidates(users["manajer"], pkh)
    for n in range(6):
        resident(f"Baru {n}", decile=1 + n % 3)
    WelfareProfile.objects.filter(person=world["ani"]).update(decile=9)  # seen only by a page's check
    barrier, failures = threading.Barrier(4), []

    def run(work):
        try:
            barrier.wait()
            work()
        except Exception as exc:  # noqa: BLE001  (reported below)
            failures.append(repr(exc))
        finally:
            connection.close()

    def page():
        ids = list(unserved.candidates(users["manajer"], pkh).values_list("person_id", flat=True)[:25])
        unserved.page_rows(users["manajer"], ids, pkh, timezone.localdate())

    works = [lambda: unserved.catch_up(pkh), lambda: unserved.catch_up(pkh), lambda: unserved.rebuild(pkh), page]
    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    unserved.catch_up(pkh)
    listed = list(UnservedCandidate.objects.filter(service=pkh).values_list("person_id", flat=True))
    expected = Person.objects.filter(unserved_q(pkh, timezone.localdate())).values_list("pk", flat=True)
    assert sorted(listed) == sorted(expected) and "Ani Wates" not in candidate_names(pkh)
