import datetime

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation


def test_pages_are_indonesian_by_default_and_english_on_request(users, client_for):
    client = client_for(users["manajer"])
    assert "Beranda" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert ">Home<" in client.get(reverse("home")).content.decode()


def test_dates_read_dd_mm_yyyy_in_both_languages():
    template = Template('{{ d|date:"SHORT_DATE_FORMAT" }}')
    for language in ("id", "en"):
        with translation.override(language):
            assert template.render(Context({"d": datetime.date(2026, 11, 5)})) == "05/11/2026"


def test_forms_accept_typed_dd_mm_yyyy():
    from django import forms

    class F(forms.Form):
        d = forms.DateField()

    with translation.override("id"):
        form = F({"d": "17/08/2026"})
        assert form.is_valid() and form.cleaned_data["d"] == datetime.date(2026, 8, 17)


def test_an_english_browser_still_gets_indonesian_until_english_is_chosen(users, client_for):
    client = client_for(users["loket"])
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Beranda" in page.content.decode() and page["Content-Language"] == "id"
