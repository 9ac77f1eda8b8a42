"""What an agency learns about the person it is referred (UU 27/2022: least privilege).

Without consent the agency gets the minimum to find and serve the person: name, sex, age and
kelurahan. With the consent recorded on the referral it also gets the NIK, date of birth, address,
phone and disability, and the documents sent with the referral, for as long as the person has not
withdrawn their consent (registry.consent): a withdrawal takes back what every earlier referral
disclosed, and consent given again counts only for referrals consented after it. Dinsos staff see
the registry record itself, through the registry's own scoping."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class SharedField:
    label: str
    value: str


def age_on(birth_date: datetime.date | None, today: datetime.date) -> int | None:
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def _address(person) -> str:
    if person.domicile_address:
        return person.domicile_address
    household = person.household
    if household is None:
        return ""
    rt_rw = f" RT {household.rt}/RW {household.rw}" if household.rt or household.rw else ""
    return f"{household.address}{rt_rw}"


def withdrawal_voiding(referral):
    """The person's withdrawal of consent that voids the referral's consent, if any."""
    if not referral.consent_given or referral.person_id is None:
        return None
    from registry.consent import withdrawal_in_force_since

    return withdrawal_in_force_since(referral.person, referral.consent_at)


def consent_in_force(referral) -> bool:
    """Whether the agency may see more than the minimum: consent recorded on the referral and not
    withdrawn since. Read once per page (it asks the database) and passed on."""
    if not hasattr(referral, "_consent_in_force"):
        referral._consent_in_force = (
            referral.consent_given and referral.person_id is not None and withdrawal_voiding(referral) is None
        )
    return referral._consent_in_force


def shared_person(referral, today: datetime.date | None = None, *, consented: bool | None = None) -> list[SharedField]:
    """The person as the referral's agency may see them, field by field. ``consented`` overrides
    the consent in force (the access report shows what a withdrawn consent had disclosed)."""
    today = today or timezone.localdate()
    person = referral.person
    fields = [SharedField(_("Name"), referral.person_name)]
    if person is not None:
        fields.append(SharedField(_("Sex"), str(person.get_sex_display())))
        age = age_on(person.birth_date, today)
        if age is not None:
            fields.append(SharedField(_("Age"), _("%(years)s years") % {"years": age}))
    fields.append(SharedField(_("Kelurahan/desa"), referral.region.name))
    if consented is None:
        consented = consent_in_force(referral)
    if not consented or person is None:
        return fields
    fields.append(SharedField(_("NIK"), person.nik or _("none (needs civil registration documents)")))
    if person.birth_date:
        fields.append(SharedField(_("Date of birth"), person.birth_date.strftime("%d/%m/%Y")))
    if address := _address(person):
        fields.append(SharedField(_("Address"), address))
    if person.phone:
        fields.append(SharedField(_("Phone"), person.phone))
    disability = getattr(person, "disability", None)
    if disability is not None and disability.types:
        fields.append(SharedField(_("Disability"), ", ".join(str(label) for label in disability.type_labels)))
    return fields


def agency_sees_documents(referral, document_kind: str) -> bool:
    """Supporting documents (KTP, KK… photos) carry the same data as the NIK: only with consent.
    Results the agency uploaded are its own."""
    from .models import DocumentKind

    return document_kind == DocumentKind.RESULT or consent_in_force(referral)


# --- A referral's page as the agency sees it ------------------------------------------------------
def visible_documents(referral, agency_view: bool) -> list:
    """The referral's documents; an agency's officer gets the supporting ones only with consent."""
    documents = referral.documents.select_related("uploaded_by")
    return [d for d in documents if not agency_view or agency_sees_documents(referral, d.kind)]


def visible_complaint_files(referral, agency_view: bool) -> list:
    """The complaint's files sent along; an agency's officer gets them only with consent."""
    return list(referral.complaint_attachments.all()) if not agency_view or consent_in_force(referral) else []


def visible_timeline(referral, agency_view: bool) -> list:
    """The referral's events; an agency without the person's consent does not see the names of
    the files the office attached (a file name often carries a name or a NIK)."""
    from onegate.accounts.models import Role

    from .models import ReferralEventKind

    events = list(referral.events.select_related("actor").order_by("at", "pk"))
    if agency_view and not consent_in_force(referral):
        for event in events:
            if event.kind == ReferralEventKind.DOCUMENT and (event.actor is None or event.actor.role != Role.AGENCY):
                event.note = ""
    return events
