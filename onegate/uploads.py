"""Uploaded attachments (a complaint's, a referral's documents) checked by what they contain, not by
their name: photos (JPEG, PNG, WebP) and PDF documents, up to ATTACHMENT_MAX_MB."""

from django import forms
from django.conf import settings
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Leading bytes of each accepted type, and the extensions a file of that type may carry.
SIGNATURES = {
    "image/jpeg": ((b"\xff\xd8\xff",), {".jpg", ".jpeg"}),
    "image/png": ((b"\x89PNG\r\n\x1a\n",), {".png"}),
    "image/webp": ((b"RIFF",), {".webp"}),
    "application/pdf": ((b"%PDF-",), {".pdf"}),
}
ACCEPT = ".jpg,.jpeg,.png,.webp,.pdf,image/jpeg,image/png,image/webp,application/pdf"


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_MB * 1024 * 1024


def detect_type(head: bytes) -> str | None:
    for content_type, (prefixes, _extensions) in SIGNATURES.items():
        if any(head.startswith(p) for p in prefixes):
            if content_type == "image/webp" and head[8:12] != b"WEBP":
                continue
            return content_type
    return None


def check_upload(upload):
    """Raise ValidationError naming the file unless it is an accepted type (by content, with a
    matching extension) within the size limit. Marks the upload with ``checked_content_type``."""
    name = upload.name
    if upload.size > max_bytes():
        raise forms.ValidationError(
            _("%(name)s is too big (%(size)s); the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes())}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = detect_type(head)
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if content_type is None or extension not in SIGNATURES[content_type][1]:
        raise forms.ValidationError(_("%(name)s is not a photo (JPEG, PNG, WebP) or a PDF document.") % {"name": name})
    if content_type.startswith("image/"):
        _check_image(upload, name)
    upload.checked_content_type = content_type
    return upload


def _check_image(upload, name):
    from PIL import Image

    try:
        with Image.open(upload) as image:
            image.verify()
    except Exception:
        raise forms.ValidationError(_("%(name)s is damaged or not a real image.") % {"name": name}) from None
    finally:
        upload.seek(0)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; each one checked by :func:`check_upload`."""

    default_error_messages = {"too_many": gettext_lazy("At most %(max)s files at once.")}

    def __init__(self, *, max_files=5, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data or []) if f] if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > self.max_files:
            raise forms.ValidationError(self.error_messages["too_many"] % {"max": self.max_files})
        errors, checked = [], []
        for upload in files:
            try:
                checked.append(check_upload(super().clean(upload, initial)))
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        if self.required and not checked:
            raise forms.ValidationError(self.error_messages["required"])
        return checked


def stored_file_response(stored, content_type: str, name: str) -> FileResponse:
    """A checked upload served back (to whoever the view let see it) under its original name;
    the browser neither guesses another type nor runs anything in it."""
    response = FileResponse(stored.open("rb"), content_type=content_type, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
