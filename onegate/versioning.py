"""Versioned edits: no one's saved work is silently overwritten from an older page.

Every record people edit carries a ``version`` (:class:`VersionedModel`). A form carries the version
it was loaded from (:class:`VersionedForm`); a service saves through :func:`save`, which locks the
stored row (``SELECT … FOR UPDATE``), compares, and takes the next version only if the row is still
at the expected one: of two concurrent saves from the same version exactly one wins, the other
waits for it and then finds a newer version. The loser gets
:class:`EditConflict`; the view shows the form again with what the person typed, the newer version,
and what changed meanwhile (:func:`changes_since`, read from the audit trail, where every change
records the version it made in ``additional_data``).
"""

import dataclasses
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.translation import gettext_lazy as _


class VersionedModel(models.Model):
    """A record whose edits are checked against the version they were loaded from."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict:
        """django-auditlog stores this with each change: the version the change made."""
        return {"version": self.version}


# Not compared when deciding whether a save changes anything: the version itself, and stamps.
UNCOMPARED = {"version", "updated_at"}


class EditConflict(ValidationError):
    """The record was saved by someone else after ``expected`` was loaded. A ValidationError, so a
    form that does not show the conflict panel still refuses the save with a clear message."""

    def __init__(self, record, expected: int):
        self.record, self.expected = record, expected
        super().__init__(
            _("Someone else saved this record after you opened it. Your changes were not saved."), code="conflict"
        )


def save(record: VersionedModel, *, expected_version: int | None = None, update_fields=None) -> None:
    """Save a record through the version check (a new record simply starts at version 1). The
    stored row is locked and compared first: a save that changes nothing is neither a new version
    nor a conflict (nothing would be lost), one that changes something takes the next version if
    the row is still at ``expected_version`` (default: the instance's) and raises
    :class:`EditConflict` otherwise."""
    if record.pk is None or record._state.adding:
        record.save()
        return
    if not connection.in_atomic_block:
        raise RuntimeError("save a versioned record inside a transaction")
    expected = record.version if expected_version is None else expected_version
    fields = [
        f
        for f in record._meta.concrete_fields
        if not f.primary_key and f.name not in UNCOMPARED and (update_fields is None or f.name in update_fields)
    ]
    stored = (
        type(record)
        ._base_manager.select_for_update()
        .filter(pk=record.pk)
        .values("version", *(f.attname for f in fields))
        .first()
    )
    if stored is None:
        raise EditConflict(record, expected)
    if all(getattr(record, f.attname) == stored[f.attname] for f in fields):
        record.version = stored["version"]
        return
    if stored["version"] != expected:
        raise EditConflict(record, expected)
    record.version = expected + 1
    record.save(update_fields=None if update_fields is None else [*update_fields, "version"])


# --- What changed meanwhile ---------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class FieldChange:
    name: str  # the model field's name
    label: str  # its verbose name, as people read it
    old: str
    new: str


@dataclasses.dataclass(frozen=True)
class Change:
    """One saved change of the record: who, when, which fields."""

    actor: str
    at: datetime.datetime
    version: int | None
    fields: tuple[FieldChange, ...]
    subject: str = ""  # which record, on a page that edits several


def changes_since(record: VersionedModel, version: int, *, subject: str = "", reader=None) -> list[Change]:
    """The record's audited changes after ``version``, oldest first, as ``reader`` may read them
    (onegate.audit.display: field names and values in the UI language, identity numbers masked for
    the roles that do not read them whole); ``reader`` defaults to the user acting now."""
    from auditlog import get_logentry_model

    from onegate.audit import current_actor
    from onegate.audit.display import readable

    log_entry = get_logentry_model()
    entries = (
        log_entry.objects.get_for_object(record)
        .filter(action__in=(log_entry.Action.CREATE, log_entry.Action.UPDATE), additional_data__version__gt=version)
        .select_related("actor", "content_type")
        .order_by("timestamp", "pk")
    )
    rows = readable(entries, reader if reader is not None else current_actor())
    return [
        Change(
            actor=str(row.entry.actor) if row.entry.actor else str(_("system")),
            at=row.entry.timestamp,
            version=(row.entry.additional_data or {}).get("version"),
            fields=tuple(
                FieldChange(name=line.key, label=line.label, old=line.before or "—", new=line.after or "—")
                for line in row.lines
            ),
            subject=subject,
        )
        for row in rows
    ]


def _shown(value) -> str:
    text = "" if value is None else str(value)
    return "—" if text in ("", "None") else {"True": str(_("yes")), "False": str(_("no"))}.get(text, text)


# --- Forms ---------------------------------------------------------------------------------------
class VersionedForm(forms.Form):
    """Carries the version of the record the form was loaded from (a hidden field). For a ModelForm
    it comes from the instance; otherwise pass ``initial={"version": …}``. Once valid,
    :attr:`expected_version` holds it (0 when the form came without one for a stored record: any
    save since counts as a conflict); it is kept out of ``cleaned_data``, which services take as
    the record's new values."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    # The form's field for a model field of another name, to show what was typed beside a change.
    fields_for_model_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and "version" not in self.initial:
            self.initial["version"] = instance.version
        self.expected_version = None

    def _clean_fields(self):
        super()._clean_fields()
        self.expected_version = self.cleaned_data.pop("version", None)
        if self.expected_version is None and self.initial.get("version") is not None:
            self.expected_version = 0  # a form loaded before the record existed, or sent without it

    def show_conflict(self, conflict: EditConflict) -> "Conflict":
        """After a refused save: the form keeps what was typed and now carries the stored version,
        so saving it again (after merging) goes through. Returns what the conflict panel shows."""
        return self.catch_up(conflict.record, conflict.expected)

    def catch_up(self, record: VersionedModel, expected: int | None, *, subject: str = "") -> "Conflict":
        """The form's version set to the record's stored one, and the record's changes since
        ``expected`` (``subject`` names the record when a page edits several)."""
        stored = type(record)._base_manager.filter(pk=record.pk).values_list("version", flat=True).first()
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = stored or ""
        self._bound_fields_cache.pop("version", None)
        changes = changes_since(record, expected, subject=subject) if stored and expected is not None else []
        return Conflict(changes=changes, typed=_typed_values(self, changes), deleted=stored is None)


def conflict_before_validating(form, record: VersionedModel) -> "Conflict | None":
    """For an action form whose choices follow the record's current state (a status change): the
    conflict panel when the form was loaded from an older version, before the form's own checks
    refuse a choice that is no longer offered. None when the form is current (or not versioned)."""
    if not isinstance(form, VersionedForm):
        return None
    try:
        posted = int(form.data.get(form.add_prefix("version")) or 0)
    except ValueError:
        posted = 0
    return None if posted == record.version else form.show_conflict(EditConflict(record, posted))


@dataclasses.dataclass(frozen=True)
class Conflict:
    """What the conflict panel shows: each change made meanwhile, and beside each field changed,
    what the person typed in this form (empty for fields the form does not hold)."""

    changes: list[Change]
    typed: dict[tuple[str, str], str]  # (subject, field name) → as typed
    deleted: bool = False

    def __add__(self, other: "Conflict") -> "Conflict":
        return Conflict(changes=self.changes + other.changes, typed={**other.typed, **self.typed}, deleted=self.deleted)

    @property
    def label_rows(self) -> list[tuple[FieldChange, Change, str | None]]:
        """(field change, its change, what was typed) for every field changed, newest change last."""
        return [(f, c, self.typed.get((c.subject, f.name))) for c in self.changes for f in c.fields]


def _typed_values(form, changes: list[Change]) -> dict[tuple[str, str], str]:
    typed = {}
    for change in changes:
        for field in change.fields:
            name = form.fields_for_model_fields.get(field.name, field.name)
            if name in form.fields:
                typed[(change.subject, field.name)] = _shown(_display(form[name]))
    return typed


def _display(bound_field) -> str:
    """A bound field's value as typed or chosen, choices as their labels."""
    field, value = bound_field.field, bound_field.value()
    if isinstance(field, forms.ModelChoiceField):  # the chosen record only, not every choice
        try:
            chosen = field.clean(value)
        except ValidationError:
            return value
        chosen = chosen if isinstance(field, forms.ModelMultipleChoiceField) else [chosen]
        return ", ".join(field.label_from_instance(c) for c in chosen if c is not None)
    choices = getattr(field, "choices", None)
    if choices is None:
        return value
    labels = {str(k): str(v) for k, v in choices if not isinstance(v, (list, tuple))}
    values = value if isinstance(value, (list, tuple)) else [value]
    return ", ".join(labels.get(str(v), str(v)) for v in values if v not in (None, ""))
