"""A report request sent twice asks for one report (issue 16, double submit)."""

from django.urls import reverse

from reports.models import ReportRequest, ReportType
from tests.idempotency import assert_sent_to_first_result, post_twice
from tests.reports.test_views import sent  # noqa: F401 (fixture)


def test_a_report_request_sent_twice_asks_once(users, client_for, sent, django_capture_on_commit_callbacks):  # noqa: F811
    url = reverse("reports:new", args=[ReportType.DISABILITY_RECAP])
    with django_capture_on_commit_callbacks(execute=True):
        first, again = post_twice(client_for(users["manajer"]), url, {"area": "35.76.02"})
    report = ReportRequest.objects.get()
    assert_sent_to_first_result(first, again, report.get_absolute_url())
    assert sent == [report.pk]
