"""Helpers for the tests of create forms sent twice (onegate/idempotency)."""

import re

FIRST_RESULT_MESSAGE = "Ini sudah tersimpan"


def page_key(page) -> str:
    """The one-time key of the page's create form, as rendered."""
    return re.search(r'name="submission_key" value="([^"]+)"', page.content.decode()).group(1)


def post_twice(client, url, data):
    """The same form posted twice with the key of the page: (first answer, second answer followed)."""
    data = {**data, "submission_key": page_key(client.get(url))}
    first = client.post(url, data)
    for value in data.values():  # uploaded files are read again by the second post
        for f in value if isinstance(value, list) else [value]:
            if hasattr(f, "seek"):
                f.seek(0)
    return first, client.post(url, data, follow=True)


def assert_sent_to_first_result(first, again, url_of_record):
    assert first.status_code == 302 and first["Location"] == url_of_record
    assert again.redirect_chain[0] == (url_of_record, 302)
    assert FIRST_RESULT_MESSAGE in again.content.decode()
