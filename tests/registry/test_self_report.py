"""Self-reports: the public form (no account, anti-spam, rate limit, never revealing a NIK) and the
officer's review, create, link and reject pages, within scope."""

import datetime
import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onegate.audit.models import LogEntry
from onegate.web import antispam
from onegate.web.client_ip import client_ip
from registry import self_reports
from registry.models import (
    DisabilityProfile,
    Person,
    SelfReport,
    SelfReportStatus,
    VerificationStatus,
)
from tests.conftest import KRANGGAN, WATES
from tests.factories import PersonFactory, nik_for

FORM_URL = "/lapor/disabilitas/"
BORN = datetime.date(1990, 3, 12)


def report_post(**overrides) -> dict:
    """A complete public form, its challenge shown a minute ago and answered right."""
    challenge = antispam.new_challenge(issued_at=time.time() - 60)
    data = {
        "reporter_relation": "keluarga",
        "reporter_name": "Siti Aminah",
        "reporter_phone": "081234567890",
        "reporter_email": "",
        "full_name": "Budi Santoso",
        "nik": "",
        "sex": "L",
        "birth_place": "Mojokerto",
        "birth_date": "12/03/1990",
        "address": "Jl. Kenanga 5",
        "rt": "002",
        "rw": "003",
        "region": WATES,
        "types": ["fisik", "wicara"],
        "severity": "berat",
        "devices_needed": ["kursi_roda"],
        "daily_needs": "Perlu bantuan mandi",
        "consent": "on",
        "challenge_token": challenge.token,
        "challenge_answer": str(challenge.a + challenge.b),
        "website": "",
    }
    data.update(overrides)
    return data


def make_report(region=WATES, **fields) -> SelfReport:
    data = {
        "reporter_relation": "pendamping",
        "reporter_name": "Pendamping",
        "reporter_phone": "0811",
        "full_name": "Budi Santoso",
        "sex": "L",
        "birth_date": BORN,
        "address": "Jl. Kenanga 5",
        "rt": "002",
        "rw": "003",
        "types": ["fisik"],
        "severity": "sedang",
        "devices_needed": ["kursi_roda"],
        "region_id": region,
    }
    data.update(fields)
    region_id = data.pop("region_id")
    from onegate.regions.models import Region

    return self_reports.self_report_submit(data={**data, "region": Region.objects.get(pk=region_id)}, consent=True)


# --- Public form -----------------------------------------------------------------------------------
def test_a_resident_reports_without_an_account_and_it_lands_in_the_kelurahans_queue(users, client, client_for):
    assert client.get(FORM_URL).status_code == 200
    response = client.post(FORM_URL, report_post())
    assert response.status_code == 302 and response["Location"] == reverse("selfreport:thanks")
    report = SelfReport.objects.get()
    assert (report.region_id, report.status, report.nik, report.full_name) == (
        WATES,
        SelfReportStatus.NEW,
        "",
        "Budi Santoso",
    )
    assert report.types == ["fisik", "wicara"] and report.devices_needed == ["kursi_roda"] and report.consent_given_at
    thanks = client.get(reverse("selfreport:thanks"))
    assert report.reference in thanks.content.decode()
    assert re.fullmatch(r"LD-[A-Z2-9]{4}-[A-Z2-9]{4}", report.reference)

    def queue(username):
        return list(client_for(users[username]).get(reverse("registry:verification-queue")).context["self_reports"])

    assert queue("kel.wates") == [report] and queue("manajer") == [report]
    assert queue("kel.kranggan") == []


def test_reporting_about_oneself_needs_no_second_name(db, regions, client):
    client.post(FORM_URL, report_post(reporter_relation="sendiri", reporter_name=""))
    assert SelfReport.objects.get().reporter_name == "Budi Santoso"
    page = Client().post(FORM_URL, report_post(reporter_name=""))  # a family member must say who they are
    assert page.status_code == 200 and "reporter_name" in page.context["form"].errors


def _without_tokens(html: str) -> str:
    html = re.sub(r"LD-[A-Z2-9]{4}-[A-Z2-9]{4}", "REFERENCE", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)


def test_the_answer_is_the_same_whether_the_nik_is_registered_or_not(users):
    registered = PersonFactory(full_name="Bambang Registered", region_id=WATES, birth_date=BORN)
    new_nik = nik_for("35.76.02", BORN, "L", 999)
    pages = []
    for nik in (registered.nik, new_nik):
        client = Client()
        with CaptureQueriesContext(connection) as queries:
            posted = client.post(FORM_URL, report_post(nik=nik))
        assert not [q["sql"] for q in queries if "registry_person" in q["sql"]]  # the registry is not read
        thanks = client.get(posted["Location"])
        pages.append(
            (posted.status_code, posted["Location"], thanks.status_code, _without_tokens(thanks.content.decode()))
        )
    assert pages[0] == pages[1]
    body = pages[0][3]
    assert registered.nik not in body and new_nik not in body and "Bambang" not in body
    assert set(SelfReport.objects.values_list("nik", flat=True)) == {registered.nik, new_nik}


def test_a_malformed_nik_gets_a_clear_error_and_keeps_what_was_typed(db, regions, client, settings):
    data = report_post(nik="3576-0212-0390")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(FORM_URL, data)
    assert page.status_code == 200 and not SelfReport.objects.exists()
    form = page.context["form"]
    assert list(form.errors) == ["nik"]
    assert "16 digits" in form.errors["nik"][0]
    body = page.content.decode()
    assert 'value="Budi Santoso"' in body and 'value="Jl. Kenanga 5"' in body and "Perlu bantuan mandi" in body
    assert 'value="3576-0212-0390"' in body
    # The question was answered right: it stays, with its answer, so only the NIK needs fixing.
    assert form["challenge_token"].value() == data["challenge_token"]
    assert form["challenge_answer"].value() == data["challenge_answer"]
    assert client.post(FORM_URL, {**data, "nik": "3576021203900001"}).status_code == 302


@pytest.mark.parametrize(
    "case, field",
    [
        ("wrong answer", "challenge_answer"),
        ("no answer", "challenge_answer"),
        ("forged token", "challenge_answer"),
        ("expired token", "challenge_answer"),
        ("honeypot", None),
        ("too fast", None),
        ("no consent", "consent"),
    ],
)
def test_spam_checks_refuse_the_form_save_nothing_and_keep_the_values(db, regions, client, settings, case, field):
    data = report_post()
    if case == "wrong answer":
        data["challenge_answer"] = str(int(data["challenge_answer"]) + 1)
    elif case == "no answer":
        data["challenge_answer"] = ""
    elif case == "forged token":
        data["challenge_token"] = data["challenge_token"][:-3] + "abc"
    elif case == "expired token":
        old = antispam.new_challenge(issued_at=time.time() - antispam.CHALLENGE_MAX_AGE - 60)
        data.update(challenge_token=old.token, challenge_answer=str(old.a + old.b))
    elif case == "honeypot":
        data["website"] = "http://spam.example"
    elif case == "too fast":
        fresh = antispam.new_challenge()
        data.update(challenge_token=fresh.token, challenge_answer=str(fresh.a + fresh.b))
    elif case == "no consent":
        del data["consent"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(FORM_URL, data)
    assert page.status_code == 200 and not SelfReport.objects.exists()
    form = page.context["form"]
    assert form.errors[field or "__all__"]
    body = page.content.decode()
    assert 'value="Budi Santoso"' in body and 'value="081234567890"' in body
    assert form["types"].value() == ["fisik", "wicara"] and form["region"].value() == WATES
    if field == "challenge_answer" and case != "no answer":
        # A new question replaces the failed one, with an empty answer box.
        assert form["challenge_token"].value() != data["challenge_token"] and form["challenge_answer"].value() in (
            "",
            None,
        )
        question = antispam.read_challenge(form["challenge_token"].value())
        assert f"how much is {question.a} plus {question.b}?" in form["challenge_answer"].label
        assert f"how much is {question.a} plus {question.b}?" in body


def test_a_wrong_answer_uses_up_the_question(db, regions, client):
    data = report_post()
    right = data["challenge_answer"]
    client.post(FORM_URL, {**data, "challenge_answer": str(int(right) + 1)})
    page = client.post(FORM_URL, data)  # the same question again, now with the right sum
    assert page.status_code == 200 and "challenge_answer" in page.context["form"].errors
    assert not SelfReport.objects.exists()


def test_a_solved_form_cannot_be_posted_twice(db, regions, client):
    data = report_post()
    assert client.post(FORM_URL, data).status_code == 302
    again = client.post(FORM_URL, data)
    assert again.status_code == 200 and "challenge_answer" in again.context["form"].errors
    assert SelfReport.objects.count() == 1


def test_too_many_posts_from_one_address_get_a_friendly_429(db, regions, client, settings):
    settings.SELF_REPORT_RATE = "3/h"
    for _ in range(3):
        assert client.post(FORM_URL, report_post(), REMOTE_ADDR="10.1.1.1").status_code == 302
    limited = client.post(FORM_URL, report_post(), REMOTE_ADDR="10.1.1.1")
    assert limited.status_code == 429
    assert [t.name for t in limited.templates][0] == "registry/self_report_limited.html"
    assert SelfReport.objects.count() == 3
    assert client.get(FORM_URL, REMOTE_ADDR="10.1.1.1").status_code == 200  # reading the form is not limited
    assert client.post(FORM_URL, report_post(), REMOTE_ADDR="10.2.2.2").status_code == 302  # another address is


def test_behind_a_proxy_the_limit_follows_the_client_not_the_proxy(db, regions, client, settings):
    settings.SELF_REPORT_RATE = "1/h"
    settings.PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "172.16.0.1"}
    assert client.post(FORM_URL, report_post(), HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 302
    assert client.post(FORM_URL, report_post(), HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy).status_code == 302
    # A client cannot escape its limit by sending its own X-Forwarded-For: the proxy appends the real one.
    assert client.post(FORM_URL, report_post(), HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy).status_code == 429


def test_client_ip_reads_the_address_the_last_proxy_saw(rf, settings):
    settings.PROXY_COUNT = 0
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="10.0.0.9")) == "10.0.0.9"
    settings.PROXY_COUNT = 1
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4", REMOTE_ADDR="10.0.0.9")) == "1.2.3.4"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.9")) == "10.0.0.9"  # did not come through the proxy
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="not-an-ip", REMOTE_ADDR="10.0.0.9")) == "10.0.0.9"
    settings.PROXY_COUNT = 2
    assert (
        client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4, 172.16.0.2", REMOTE_ADDR="10.0.0.9")) == "1.2.3.4"
    )


@pytest.mark.parametrize(
    "field, value",
    [("reporter_phone", "call me"), ("birth_date", "01/01/2999"), ("birth_date", "31/02/1990"), ("types", [])],
)
def test_bad_values_are_refused_with_the_field_named(db, regions, client, field, value):
    page = client.post(FORM_URL, report_post(**{field: value}))
    assert page.status_code == 200 and list(page.context["form"].errors) == [field]
    assert not SelfReport.objects.exists()


def test_only_the_offices_villages_can_be_chosen(db, regions, client):
    page = client.post(FORM_URL, report_post(region="33.16.01.2001"))
    assert page.status_code == 200 and "region" in page.context["form"].errors
    assert not SelfReport.objects.exists()


# --- Officers: scope -----------------------------------------------------------------------------
@pytest.fixture
def reports(users):
    return {"wates": make_report(WATES), "kranggan": make_report(KRANGGAN, full_name="Rina Kranggan", sex="P")}


def review_url(report):
    return reverse("registry:self-report-review", args=[report.pk])


def test_an_officer_opens_their_kelurahans_report_and_the_opening_is_logged(users, reports, client_for):
    client = client_for(users["kel.wates"])
    page = client.get(review_url(reports["wates"]))
    assert page.status_code == 200 and page.context["can_act"]
    assert "Jl. Kenanga 5" in page.content.decode()
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        actor=users["kel.wates"],
        content_type__model="selfreport",
        object_pk=str(reports["wates"].pk),
    ).exists()
    assert client.get(review_url(reports["kranggan"])).status_code == 404
    for action in ("self-report-create-person", "self-report-reject"):
        assert client.get(reverse(f"registry:{action}", args=[reports["kranggan"].pk])).status_code == 404


@pytest.mark.parametrize("username", ["dinkes", "admin"])
def test_agencies_and_administrators_do_not_see_self_reports(users, reports, client_for, username):
    client = client_for(users[username])
    assert client.get(review_url(reports["wates"])).status_code == 404
    assert client.get(reverse("registry:self-report-reject", args=[reports["wates"].pk])).status_code == 404
    assert (
        client.post(reverse("registry:self-report-reject", args=[reports["wates"].pk]), {"reason": "spam"}).status_code
        == 404
    )
    assert SelfReport.objects.get(pk=reports["wates"].pk).status == SelfReportStatus.NEW


def test_the_front_desk_may_read_a_report_but_not_act_on_it(users, reports, client_for):
    client = client_for(users["loket"])
    page = client.get(review_url(reports["kranggan"]))
    assert page.status_code == 200 and not page.context["can_act"]
    assert client.get(reverse("registry:self-report-create-person", args=[reports["kranggan"].pk])).status_code == 403
    assert (
        client.post(
            reverse("registry:self-report-reject", args=[reports["kranggan"].pk]), {"reason": "spam"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("registry:self-report-find-person", args=[reports["kranggan"].pk]), {"nik": "3576020101010001"}
        ).status_code
        == 403
    )
    assert SelfReport.objects.get(pk=reports["kranggan"].pk).status == SelfReportStatus.NEW


def test_likely_duplicates_leave_out_people_outside_the_officers_scope(users, client_for):
    inside = PersonFactory(
        full_name="Budi Santoso", birth_date=BORN, region_id=WATES, nik=None, needs_civil_documents=True
    )
    outside = PersonFactory(full_name="Budi Santosa", birth_date=BORN, region_id=KRANGGAN)
    report = make_report(WATES, nik=outside.nik)  # the NIK of someone in Kranggan
    page = client_for(users["kel.wates"]).get(review_url(report))
    assert [c.person for c in page.context["duplicates"]] == [inside]
    body = page.content.decode()
    assert "Budi Santosa" not in body and reverse("registry:person-detail", args=[outside.pk]) not in body
    manager = client_for(users["manajer"]).get(review_url(report))
    assert {c.person for c in manager.context["duplicates"]} == {inside, outside}


# --- Officers: create, link, reject ------------------------------------------------------------
def person_post(**overrides) -> dict:
    data = {
        "orang-nik": nik_for("35.76.02", BORN, "L", 77),
        "orang-full_name": "Budi Santoso",
        "orang-sex": "L",
        "orang-birth_place": "Mojokerto",
        "orang-birth_date": "12/03/1990",
        "orang-life_status": "hidup",
        "orang-domicile_address": "Jl. Kenanga 5, RT 002/RW 003",
        "disabilitas-types": ["fisik"],
        "disabilitas-severity": "sedang",
        "disabilitas-devices_needed": ["kursi_roda"],
        "disabilitas-wg_walking": "3",
    }
    data.update(overrides)
    return data


def test_an_officer_registers_a_new_draft_person_from_a_report(users, reports, client_for):
    report = reports["wates"]
    url = reverse("registry:self-report-create-person", args=[report.pk])
    client = client_for(users["kel.wates"])
    form_page = client.get(url)
    assert form_page.context["form"]["full_name"].value() == "Budi Santoso"
    assert form_page.context["form"]["domicile_address"].value() == "Jl. Kenanga 5, RT 002/RW 003"
    assert form_page.context["profile_form"]["types"].value() == ["fisik"]
    response = client.post(url, person_post())
    person = Person.objects.get(full_name="Budi Santoso")
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert (person.region_id, person.status, person.created_by) == (WATES, VerificationStatus.DRAFT, users["kel.wates"])
    assert person.disability.types == ["fisik"] and person.disability.wg_walking == 3
    report.refresh_from_db()
    assert (report.status, report.person, report.processed_by) == (
        SelfReportStatus.PROCESSED,
        person,
        users["kel.wates"],
    )
    assert LogEntry.objects.filter(
        content_type__model="selfreport",
        object_pk=str(report.pk),
        actor=users["kel.wates"],
        action=LogEntry.Action.UPDATE,
    ).exists()
    # Handled once only; the queue no longer lists it; the person is submitted as usual.
    assert client.post(url, person_post(**{"orang-nik": nik_for("35.76.02", BORN, "L", 78)})).status_code == 302
    assert Person.objects.filter(full_name="Budi Santoso").count() == 1
    assert report not in client.get(reverse("registry:verification-queue")).context["self_reports"]
    client.post(reverse("registry:record-submit", args=["orang", person.pk]))
    assert Person.objects.get(pk=person.pk).status == VerificationStatus.SUBMITTED


def test_creating_a_person_asks_to_confirm_a_disagreeing_nik_and_keeps_the_input(users, reports, client_for):
    url = reverse("registry:self-report-create-person", args=[reports["wates"].pk])
    client = client_for(users["kel.wates"])
    data = person_post(**{"orang-sex": "P", "orang-full_name": "Budi Santoso Jr"})  # the NIK encodes a man
    page = client.post(url, data)
    assert page.status_code == 200 and page.context["form"].errors.keys() >= {"sex", "confirm_nik"}
    assert 'value="Budi Santoso Jr"' in page.content.decode() and not Person.objects.exists()
    assert SelfReport.objects.get(pk=reports["wates"].pk).status == SelfReportStatus.NEW
    assert client.post(url, {**data, "orang-confirm_nik": "on"}).status_code == 302
    assert Person.objects.get().nik_mismatch_confirmed


def test_an_officer_links_a_report_to_a_registered_person_and_updates_the_profile(users, reports, client_for):
    person = PersonFactory(
        full_name="Budi Santoso", birth_date=BORN, region_id=WATES, status=VerificationStatus.VERIFIED
    )
    DisabilityProfile.objects.create(person=person, types=["netra"], severity="ringan")
    report = reports["wates"]
    client = client_for(users["kel.wates"])
    review = client.get(review_url(report))
    link_url = reverse("registry:self-report-link-person", args=[report.pk, person.pk])
    assert link_url in review.content.decode()
    form = client.get(link_url).context["form"]
    assert form["types"].value() == ["netra", "fisik"] and form["severity"].value() == "ringan"
    response = client.post(
        link_url,
        {"types": ["netra", "fisik"], "severity": "sedang", "devices_needed": ["kursi_roda"], "version": 1},
    )
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    person.refresh_from_db()
    assert person.disability.types == ["netra", "fisik"] and person.disability.severity == "sedang"
    assert person.status == VerificationStatus.SUBMITTED  # a changed profile is verified again
    report.refresh_from_db()
    assert (report.status, report.person) == (SelfReportStatus.PROCESSED, person)


def test_linking_to_a_person_outside_the_scope_is_404(users, reports, client_for):
    outside = PersonFactory(region_id=KRANGGAN)
    client = client_for(users["kel.wates"])
    url = reverse("registry:self-report-link-person", args=[reports["wates"].pk, outside.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"types": ["fisik"], "severity": "berat"}).status_code == 404
    assert (
        not DisabilityProfile.objects.exists()
        and SelfReport.objects.get(pk=reports["wates"].pk).status == SelfReportStatus.NEW
    )


def test_finding_a_person_by_nik_looks_only_inside_the_scope(users, reports, client_for):
    inside = PersonFactory(region_id=WATES)
    outside = PersonFactory(region_id=KRANGGAN)
    client = client_for(users["kel.wates"])
    url = reverse("registry:self-report-find-person", args=[reports["wates"].pk])
    found = client.post(url, {"nik": inside.nik})
    assert found["Location"] == reverse("registry:self-report-link-person", args=[reports["wates"].pk, inside.pk])
    # Someone registered in Kranggan and nobody at all get the same answer.
    answers = []
    for nik in (outside.nik, "3576020101010001"):
        page = client.post(url, {"nik": nik}, follow=True)
        assert page.redirect_chain == [(review_url(reports["wates"]), 302)]
        answers.append([str(m) for m in page.context["messages"]])
    assert answers[0] == answers[1] and len(answers[0]) == 1


def test_an_officer_rejects_a_report_with_a_reason(users, reports, client_for):
    report = reports["wates"]
    url = reverse("registry:self-report-reject", args=[report.pk])
    client = client_for(users["kel.wates"])
    missing = client.post(url, {"reason": "other"})
    assert missing.status_code == 200 and "note" in missing.context["form"].errors
    assert client.post(url, {"reason": "not_found", "note": "Rumah kosong"}).status_code == 302
    report.refresh_from_db()
    assert report.status == SelfReportStatus.REJECTED and report.rejection_reason.endswith(": Rumah kosong")
    assert (report.processed_by, report.person) == (users["kel.wates"], None)
    assert report not in client.get(reverse("registry:verification-queue")).context["self_reports"]
    assert not client.get(review_url(report)).context["can_act"]


def test_a_manager_acts_on_any_report_in_the_city(users, reports, client_for):
    client = client_for(users["manajer"])
    assert (
        client.post(
            reverse("registry:self-report-reject", args=[reports["kranggan"].pk]), {"reason": "spam"}
        ).status_code
        == 302
    )
    assert SelfReport.objects.get(pk=reports["kranggan"].pk).status == SelfReportStatus.REJECTED
