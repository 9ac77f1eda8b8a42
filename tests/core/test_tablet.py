"""Pages used on a tablet (820 px): nothing needs a Ctrl key, ticket numbers and SLA badges stay on
one line, captions sit above their tables, and the Washington Group questions say what they are."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from complaints.models import Complaint
from reports.models import ReportType
from tests.complaints.factories import make_complaint
from tests.conftest import KRANGGAN, WATES
from tests.factories import PersonFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_the_complaint_list_keeps_ticket_numbers_and_sla_on_one_line_and_scrolls(users, client_for):
    make_complaint(users["loket"])
    page = client_for(users["manajer"]).get(reverse("complaints:list")).content.decode()
    assert re.search(r'<div class="table-container table-responsive">\s*<table', page)  # scrolls, not clipped
    ticket = Complaint.objects.get().ticket_number
    assert re.search(rf'<td class="text-nowrap"><a [^>]*>{ticket}</a></td>', page)
    assert page.count('<td class="text-nowrap">') == 2  # the ticket and the SLA
    assert page.count('<td class="d-lg-table-cell d-none">') == 2  # kelurahan and officer: on wide screens only


def test_the_beneficiary_list_form_offers_kelurahan_as_boxes_grouped_by_kecamatan(users, client_for):
    page = client_for(users["manajer"]).get(reverse("reports:new", args=[ReportType.BENEFICIARY_LIST])).content.decode()
    assert "Ctrl" not in page and "— —" not in page and '<select name="areas"' not in page
    boxes = re.findall(r'<input type="checkbox"[^>]*name="areas" value="([\d.]+)"', page)
    assert WATES in boxes and KRANGGAN in boxes and "35.76.02" not in boxes  # kelurahan only
    assert "Magersari" in page and "Kranggan" in page  # the kecamatan, as group headings


def test_a_beneficiary_list_is_asked_for_several_kelurahan_ticked(users, client_for, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client = client_for(users["manajer"])
    response = client.post(
        reverse("reports:new", args=[ReportType.BENEFICIARY_LIST]), {"areas": [WATES, KRANGGAN], "population": "semua"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_visible_table_captions_are_placed_above_their_tables():
    """Bootstrap puts captions under tables (caption-side: bottom): every visible one says caption-top."""
    misplaced = []
    for path in TEMPLATES.rglob("*.html"):
        if "pdf" in path.name or path.parent.name == "pdf":
            continue
        text = path.read_text()
        for match in re.finditer(r"<caption(?![^>]*visually-hidden)", text):
            table = text.rfind("<table", 0, match.start())
            opening = text[table : text.find(">", table)]
            if "visually-hidden" not in opening and "caption-top" not in opening:
                misplaced.append(f"{path.relative_to(TEMPLATES)}: {opening}")
    assert misplaced == []


def test_the_washington_group_questions_have_a_heading_that_says_what_they_are(users, client_for):
    person = PersonFactory(region_id=WATES)
    page = client_for(users["kel.wates"]).get(reverse("registry:person-profile-edit", args=[person.pk, "disabilitas"]))
    html = " ".join(page.content.decode().split())
    fieldset = html[html.index('<fieldset class="mb-3" id="wg-questions"') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert '<legend class="h5">Kesulitan fungsional (pertanyaan Washington Group)</legend>' in fieldset
    assert fieldset.count("<select") == 9
