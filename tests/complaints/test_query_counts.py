"""No N+1 on the complaint pages: a few rows or many cost the same queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import services
from tests.complaints.factories import make_complaint


def queries_for(client, url) -> int:
    """Queries of one request for ``url`` once per-session caches are warm (the session renewed,
    the unread count cached), as on every page but the first."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_queue_cost_the_same_for_3_or_30_complaints(users, client_for):
    client = client_for(users["manajer"])
    for _ in range(3):
        services.complaint_assign(
            make_complaint(users["loket"]), officer=users["kel.wates"], acting_user=users["manajer"]
        )
    few = (
        queries_for(client, reverse("complaints:list")),
        queries_for(client, reverse("complaints:queue")),
        queries_for(client, reverse("complaints:list") + "?sla=berisiko"),
    )
    for _ in range(27):
        services.complaint_assign(
            make_complaint(users["loket"]), officer=users["kel.wates"], acting_user=users["manajer"]
        )
    many = (
        queries_for(client, reverse("complaints:list")),
        queries_for(client, reverse("complaints:queue")),
        queries_for(client, reverse("complaints:list") + "?sla=berisiko"),
    )
    assert many == few


def test_the_complaint_page_does_not_query_per_event(users, client_for):
    client = client_for(users["manajer"])
    quiet, busy = make_complaint(users["loket"]), make_complaint(users["loket"])
    for n in range(12):
        services.complaint_add_note(busy, note=f"catatan {n}", acting_user=users["manajer"])
    assert queries_for(client, quiet.get_absolute_url()) == queries_for(client, busy.get_absolute_url())
