"""6. Personal data access report (UU 27/2022 Pasal 32: the controller gives the data subject access
to their data, and to the record of its processing, within 3×24 hours).

Everything OneGate holds on one person, as their manager may see it: identity, household, every
profile, consent decisions, complaints (as the person concerned or as the complainant), referrals
and what each agency was shown under which consent, self-reports, the files listed (names and
sizes), and the processing trail (who created, changed or looked at which record, when). The
same sections go into the PDF and, for machines, into a JSON file beside it. Only a manager who
can see the person may ask for it, and only they download it."""

import json
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from assessments.models import Assessment, AssessmentNeed
from complaints.models import Attachment, Complaint
from onegate import scoping
from onegate.accounts.models import Role
from onegate.audit import entries_about
from referrals.disclosure import shared_person, withdrawal_voiding
from referrals.models import Referral, ReferralDocument
from registry.models import (
    WG_DOMAINS,
    AssistiveDevice,
    ConsentDecision,
    DisabilityProfile,
    Household,
    Person,
    PersonPpks,
    ProgramReceipt,
    SelfReport,
    WelfareProfile,
)
from registry.nik import mask_nik
from registry.privacy import nik_for

from .. import rendering
from ..models import ReportRequest, ReportType
from .base import ReportKind, register

TRAIL_LIMIT = 2000  # the newest entries printed; a person's record rarely has more


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else "—"


def _text(value) -> str:
    return str(value) if value not in (None, "") else "—"


def fields(title, pairs) -> dict:
    return {
        "type": "fields",
        "title": title,
        "fields": [{"label": capfirst(str(k)), "value": _text(v)} for k, v in pairs],
    }


def table(title, headers, rows, empty="") -> dict:
    return {
        "type": "table",
        "title": capfirst(str(title)),
        "headers": [str(h) for h in headers],
        "rows": [[_text(cell) for cell in row] for row in rows],
        "empty": empty or _("None recorded."),
    }


def text(value) -> dict:
    return {"type": "text", "text": value}


def section(key, title, *blocks) -> dict:
    return {"key": key, "title": title, "blocks": list(blocks)}


def _user_label(user) -> str:
    if user is None:
        return _("system")
    name = user.get_full_name() or user.username
    role = user.get_role_display()
    if user.role == Role.AGENCY and user.agency_id:
        return f"{name} ({role}, {user.agency.name})"
    return f"{name} ({role})"


def _model_name(entry) -> str:
    model = entry.content_type.model_class()
    return str(model._meta.verbose_name) if model else entry.content_type.model


def _changed_fields(entry) -> str:
    """What an update changed, by the fields' names (the values are in the sections above)."""
    if entry.action == entry.Action.CREATE:
        return _("record created")
    if entry.action == entry.Action.DELETE:
        return _("record deleted")
    model = entry.content_type.model_class()
    names = []
    for name in entry.changes_dict if entry.changes else ():
        try:
            names.append(str(model._meta.get_field(name).verbose_name))
        except (AttributeError, FieldDoesNotExist):
            names.append(name)
    return ", ".join(names)


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


class AccessReport(ReportKind):
    type = ReportType.ACCESS_REPORT
    template = "reports/pdf/access_report.html"

    def can_request(self, user) -> bool:
        return getattr(user, "role", None) == Role.MANAGER and scoping.can(user, Person)

    def can_download(self, user, report) -> bool:
        return report.requested_by_id == user.pk

    def check(self, report, scope) -> None:
        scoping.get_scoped_object(scope, Person.objects.filter(merged_into__isnull=True), pk=report.person_id)

    def title(self, report) -> str:
        return _("Personal data access report: %(name)s") % {"name": report.person.full_name}

    def parameters(self, report, scope):
        return [
            (_("Person"), f"{report.person.full_name} · NIK {mask_nik(report.person.nik)}"),
            (_("Legal basis"), _("UU 27/2022 on personal data protection, Pasal 7 and 32")),
        ]

    def document(self, report, scope, progress) -> rendering.Document:
        context = self.base_context(report, scope) | self.context(report, scope, progress)
        html = render_to_string(self.template, context)
        content = {
            "title": context["title"],
            "generated_at": context["generated_at"],
            "generated_by": context["generated_by"],
            "person_id": report.person_id,
            "sections": context["sections"],
        }
        as_json = json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()
        return rendering.Document([rendering.Part(html)], files={"json": as_json})

    def context(self, report, scope, progress):
        person = scoping.get_scoped_object(
            scope,
            Person.objects.select_related(
                "region__parent", "household__region", "disability__caregiver", "welfare", "created_by", "verified_by"
            ).prefetch_related(
                Prefetch("ppks", queryset=PersonPpks.objects.select_related("category").order_by("category__code")),
                Prefetch("programs", queryset=ProgramReceipt.objects.order_by("-year", "program")),
            ),
            pk=report.person_id,
        )
        gather = PersonRecords(person, scope)
        sections = [
            gather.identity(),
            gather.household(),
            gather.disability(),
            gather.welfare(),
            gather.ppks(),
            gather.assessments(),
            gather.consent(),
        ]
        progress(0.3)
        sections += [gather.complaints(), gather.referrals(), gather.self_reports()]
        progress(0.6)
        sections += [gather.files(), gather.trail()]
        progress(1.0)
        return {"person": person, "sections": sections}


class PersonRecords:
    """Reads one person's records through the requester's scope, section by section, and notes
    which records they are (the processing trail is read about all of them)."""

    def __init__(self, person, scope):
        self.person, self.scope = person, scope
        self.records: dict[type, set] = {Person: {person.pk}}
        merged = Person.objects.filter(merged_into=person).values_list("pk", flat=True)
        self.records[Person].update(merged)  # the records merged into this one: their history is theirs
        self.complaint_list: list = []
        self.referral_list: list = []

    def _note(self, model, *pks):
        self.records.setdefault(model, set()).update(pk for pk in pks if pk is not None)

    def identity(self):
        p = self.person
        return section(
            "identity",
            _("Identity"),
            fields(
                "",
                [
                    (_("Name"), p.full_name),
                    (_("NIK"), nik_for(self.scope, p.nik) or _("none (needs civil registration documents)")),
                    (_("Sex"), p.get_sex_display()),
                    (_("Place of birth"), p.birth_place),
                    (_("Date of birth"), _date(p.birth_date)),
                    (_("Religion"), p.get_religion_display()),
                    (_("Marital status"), p.get_marital_status_display()),
                    (_("Education"), p.get_education_display()),
                    (_("Occupation"), p.occupation),
                    (_("Phone"), p.phone),
                    (_("Mother's name"), p.mother_name),
                    (_("Life status"), p.get_life_status_display()),
                    (_("Kelurahan/desa"), f"{p.region.name}, {p.region.parent.name} ({p.region.code})"),
                    (_("Domicile address"), p.domicile_address),
                    (_("Verification status"), p.get_status_display()),
                    (_("Rejection reason"), p.rejection_reason),
                    (_("Registered"), f"{_when(p.created_at)} · {_user_label(p.created_by)}"),
                    (_("Verified"), f"{_when(p.verified_at)} · {_user_label(p.verified_by)}" if p.verified_at else ""),
                    (_("Last changed"), _when(p.updated_at)),
                ],
            ),
        )

    def household(self):
        household = self.person.household
        if household is None:
            return section("household", _("Household"), text(_("Not in a registered household.")))
        self._note(Household, household.pk)
        members = scoping.restrict(
            Person.objects.filter(household=household, merged_into__isnull=True).exclude(pk=self.person.pk), self.scope
        ).order_by("birth_date", "pk")
        return section(
            "household",
            _("Household"),
            fields(
                "",
                [
                    (_("KK number"), nik_for(self.scope, household.kk_number)),
                    (_("Address"), f"{household.address} RT {household.rt or '—'}/RW {household.rw or '—'}"),
                    (_("Kelurahan/desa"), household.region.name),
                    (_("Relationship in the family"), self.person.get_relationship_display()),
                ],
            ),
            table(
                _("Other members of the household (names only)"),
                [_("Name"), _("Relationship in the family")],
                [(m.full_name, m.get_relationship_display()) for m in members],
            ),
        )

    def disability(self):
        profile = getattr(self.person, "disability", None)
        cared_for = scoping.restrict(
            Person.objects.filter(disability__caregiver=self.person, merged_into__isnull=True), self.scope
        ).order_by("full_name")
        caring = table(
            _("This person is the registered caregiver of"), [_("Name"), _("Kelurahan/desa")],
            [(p.full_name, p.region.name) for p in cared_for.select_related("region")],
            empty=_("Nobody."),
        )  # fmt: skip
        if profile is None:
            return section("disability", _("Disability"), text(_("None recorded.")), caring)
        self._note(DisabilityProfile, profile.pk)
        devices = lambda values: ", ".join(str(AssistiveDevice(v).label) for v in values)  # noqa: E731
        caregiver = profile.caregiver.full_name if profile.caregiver else profile.caregiver_name
        return section(
            "disability",
            _("Disability"),
            fields(
                "",
                [
                    (_("Types"), ", ".join(str(label) for label in profile.type_labels)),
                    (_("Severity"), profile.get_severity_display()),
                    (_("Cause"), profile.get_cause_display()),
                    (_("Assistive devices needed"), devices(profile.devices_needed)),
                    (_("Assistive devices owned"), devices(profile.devices_owned)),
                    (_("Dependence in daily activities"), profile.get_daily_dependence_display()),
                    (_("Caregiver"), caregiver),
                    (_("Disability card number"), profile.card_number),
                ],
            ),
            table(
                _("Functional difficulty (Washington Group questions)"),
                [_("Domain"), _("Answer")],
                [
                    (label, getattr(profile, f"get_{name}_display")() if getattr(profile, name) else _("not asked"))
                    for name, label in WG_DOMAINS.items()
                ],
            ),
            caring,
        )

    def welfare(self):
        profile = getattr(self.person, "welfare", None)
        programs = list(self.person.programs.all())
        self._note(ProgramReceipt, *(p.pk for p in programs))
        blocks = []
        if profile is None:
            blocks.append(text(_("No welfare profile recorded.")))
        else:
            self._note(WelfareProfile, profile.pk)
            blocks.append(
                fields(
                    "",
                    [
                        (_("DTKS/DTSEN status"), profile.get_dtks_status_display()),
                        (_("Welfare decile"), profile.decile),
                        (_("Uninhabitable house (RTLH)"), _("yes") if profile.uninhabitable_house else _("no")),
                    ],
                )
            )
        blocks.append(
            table(
                _("Programs received"),
                [_("Program"), _("Year"), _("Note")],
                [(p.get_program_display(), p.year, p.note) for p in programs],
            )
        )
        return section("welfare", _("Welfare and programs"), *blocks)

    def ppks(self):
        records = list(self.person.ppks.all())
        self._note(PersonPpks, *(r.pk for r in records))
        return section(
            "ppks",
            "PPKS",
            table(
                _("PPKS records"),
                [_("Category"), _("Status"), _("Date identified"), _("Source")],
                [(r.category.name, r.get_status_display(), _date(r.identified_on), r.source) for r in records],
            ),
        )

    def assessments(self):
        """The needs assessments of the person's household: the visit, the findings, and the needs of
        the household or of this person (other members' needs are theirs)."""
        if self.person.household_id is None:
            return section("assessments", _("Needs assessments"), text(_("Not in a registered household.")))
        visits = list(
            scoping.restrict(Assessment.objects.filter(household_id=self.person.household_id), self.scope)
            .select_related("assessor")
            .prefetch_related("needs")
            .order_by("visited_on", "pk")
        )
        self._note(Assessment, *(a.pk for a in visits))
        blocks = []
        this_person = _("this person")
        for visit in visits:
            needs = [n for n in visit.needs.all() if n.person_id in (None, self.person.pk)]
            self._note(AssessmentNeed, *(n.pk for n in needs))
            need_lines = "; ".join(
                f"{n.get_domain_display()}: {n.get_level_display()}"
                + (f" ({this_person})" if n.person_id else "")
                + (f", {n.note}" if n.note else "")
                for n in needs
            )
            label = lambda name: Assessment._meta.get_field(name).verbose_name  # noqa: E731
            rows = [
                (label("method"), visit.get_method_display()),
                (label("assessor"), _user_label(visit.assessor)),
                (label("dtks_in_registry"), visit.get_dtks_in_registry_display()),
                (label("dtks_finding"), visit.get_dtks_finding_display()),
                (label("summary"), visit.summary),
                (label("recommendation"), visit.recommendation),
                (_("Needs found"), need_lines),
                (label("status"), visit.get_status_display()),
            ]
            blocks.append(fields(_("Needs assessment of %(day)s") % {"day": _date(visit.visited_on)}, rows))
        return section("assessments", _("Needs assessments"), *(blocks or [text(_("No assessment."))]))

    def consent(self):
        decisions = list(
            scoping.restrict(ConsentDecision.objects.filter(person=self.person), self.scope)
            .select_related("recorded_by")
            .order_by("decided_at", "pk")
        )
        self._note(ConsentDecision, *(d.pk for d in decisions))
        state = (
            _("Withdrawn since %(when)s: agencies see only the minimum.") % {"when": _when(decisions[-1].decided_at)}
            if decisions and decisions[-1].is_withdrawal
            else _("Not withdrawn: each referral shares what the consent recorded on it allows.")
        )
        return section(
            "consent",
            _("Consent to share data with agencies"),
            text(state),
            table(
                _("Consent decisions"),
                [_("When"), _("Decision"), _("By"), _("How"), _("Note"), _("Recorded by")],
                [
                    (
                        _when(d.decided_at),
                        d.get_kind_display(),
                        f"{d.decided_by} ({d.get_decider_display()})",
                        d.get_method_display(),
                        d.note,
                        _user_label(d.recorded_by),
                    )
                    for d in decisions
                ],
                empty=_("No decision recorded: consent is asked for on each referral."),
            ),
        )

    def _complaints(self):
        visible = scoping.restrict(Complaint.objects.all(), self.scope).select_related("category__parent")
        as_subject = list(visible.filter(subject=self.person))
        # The complainant is typed in, not linked: the same name, and the same phone or kelurahan.
        phone = _digits(self.person.phone)
        as_complainant = [
            c
            for c in visible.filter(complainant_name__iexact=self.person.full_name.strip()).exclude(subject=self.person)
            if (phone and _digits(c.complainant_phone) == phone) or c.region_id == self.person.region_id
        ]
        return [(c, _("person concerned")) for c in as_subject] + [(c, _("complainant")) for c in as_complainant]

    def complaints(self):
        self.complaint_list = self._complaints()
        self.complaint_list.sort(key=lambda pair: pair[0].received_at)
        self._note(Complaint, *(c.pk for c, _role in self.complaint_list))
        return section(
            "complaints",
            _("Complaints"),
            table(
                _("Complaints about this person or made by them"),
                [_("Ticket"), _("Received"), _("As"), _("Category"), _("Status"), _("Description"), _("Outcome")],
                [
                    (
                        c.ticket_number,
                        _when(c.received_at),
                        role,
                        str(c.category),
                        c.get_status_display(),
                        c.description,
                        c.closing_reason,
                    )
                    for c, role in self.complaint_list
                ],
                empty=_("No complaint."),
            ),
            text(
                _(
                    "A complaint made by this person is found by the complainant's name with the same phone number "
                    "or kelurahan: the complainant is typed in at the desk, not linked to the registry."
                )
            ),
        )

    def referrals(self):
        referrals = list(
            scoping.restrict(Referral.objects.filter(person=self.person), self.scope)
            .select_related("agency", "service", "region", "complaint", "person__household", "person__disability")
            .prefetch_related("documents", "complaint_attachments")
            .order_by("created_at", "pk")
        )
        self.referral_list = referrals
        self._note(Referral, *(r.pk for r in referrals))
        self._note(ReferralDocument, *(d.pk for r in referrals for d in r.documents.all()))
        if not referrals:
            return section("referrals", _("Referrals and what each agency was shown"), text(_("No referral.")))
        return section(
            "referrals", _("Referrals and what each agency was shown"), *(self._referral(r) for r in referrals)
        )

    def _referral(self, referral):
        withdrawal = withdrawal_voiding(referral)
        shown = lambda consented: "; ".join(  # noqa: E731
            f"{f.label}: {f.value}" for f in shared_person(referral, consented=consented)
        )
        if referral.consent_given:
            consent = _("Given by %(who)s (%(giver)s), %(how)s, on %(when)s.") % {
                "who": referral.consent_by,
                "giver": referral.get_consent_giver_display(),
                "how": referral.get_consent_method_display(),
                "when": _when(referral.consent_at),
            }
        else:
            consent = _("Not given: only the minimum data is shared with the agency.")
        shared_files = [d.original_name for d in referral.documents.all()] + [
            a.original_name for a in referral.complaint_attachments.all()
        ]
        rows = [
            (_("Agency"), referral.agency.name),
            (_("Service"), referral.service.name),
            (_("Status"), referral.get_status_display()),
            (_("Drafted"), _when(referral.created_at)),
            (_("Sent"), _when(referral.sent_at)),
            (_("Finished"), _when(referral.finished_at)),
            (_("Complaint"), referral.complaint.ticket_number if referral.complaint_id else ""),
            (_("Consent"), consent),
        ]
        if withdrawal is not None:
            rows.append((_("Consent withdrawn"), _when(withdrawal.decided_at)))
            rows.append((_("Shown to the agency under the consent, until the withdrawal"), shown(True)))
        rows.append((_("Shown to the agency now"), shown(None)))
        files_label = _("Files the agency received") if referral.consent_given else _("Files attached (not shared)")
        rows.append((files_label, ", ".join(shared_files)))
        return fields(referral.number or _("Draft referral #%(pk)s") % {"pk": referral.pk}, rows)

    def self_reports(self):
        reports = list(
            scoping.restrict(SelfReport.objects.filter(person=self.person), self.scope).order_by("created_at")
        )
        self._note(SelfReport, *(r.pk for r in reports))
        return section(
            "self_reports",
            _("Self-reports"),
            table(
                _("Reports sent online about this person"),
                [_("Reference"), _("Received"), _("Reported by"), _("Data sent"), _("Status")],
                [
                    (
                        r.reference,
                        _when(r.created_at),
                        f"{r.reporter_name} ({r.get_reporter_relation_display()}), {r.reporter_phone}",
                        "; ".join(
                            [
                                r.full_name,
                                f"NIK {nik_for(self.scope, r.nik) or '—'}",
                                _date(r.birth_date),
                                f"{r.address} RT {r.rt or '—'}/RW {r.rw or '—'}",
                                ", ".join(str(t) for t in r.type_labels),
                                r.get_severity_display(),
                                ", ".join(str(d) for d in r.device_labels),
                                r.daily_needs,
                            ]
                        ),
                        r.get_status_display(),
                    )
                    for r in reports
                ],
                empty=_("No self-report."),
            ),
        )

    def files(self):
        complaint_ids = [c.pk for c, _role in self.complaint_list]
        attachments = list(
            scoping.restrict(Attachment.objects.filter(complaint_id__in=complaint_ids), self.scope)
            .select_related("complaint")
            .order_by("uploaded_at", "pk")
        )
        self._note(Attachment, *(a.pk for a in attachments))
        rows = [
            (
                a.original_name,
                a.size,
                _("complaint %(ticket)s") % {"ticket": a.complaint.ticket_number},
                _when(a.uploaded_at),
            )
            for a in attachments
        ]
        for referral in self.referral_list:
            rows += [
                (d.original_name, d.size, f"{d.get_kind_display()} · {referral.number or '—'}", _when(d.uploaded_at))
                for d in referral.documents.all()
            ]
        return section(
            "files",
            _("Files"),
            table(
                _("Files kept (listed, contents not included)"),
                [_("File name"), _("Size (bytes)"), _("Attached to"), _("Uploaded")],
                rows,
                empty=_("No file."),
            ),
        )

    def trail(self):
        self._note(ReportRequest, *ReportRequest.objects.filter(person=self.person).values_list("pk", flat=True))
        entries = entries_about(self.records)
        total = entries.count()
        shown = list(entries.reverse()[:TRAIL_LIMIT])[::-1] if total > TRAIL_LIMIT else list(entries)
        actors = {e.actor_id for e in shown if e.actor_id}
        users = get_user_model().objects.select_related("agency").in_bulk(actors)
        rows = []
        for entry in shown:
            rows.append(
                (
                    _when(entry.timestamp),
                    _user_label(users.get(entry.actor_id)),
                    entry.get_action_display(),
                    f"{_model_name(entry)}: {entry.object_repr}",
                    _changed_fields(entry),
                )
            )
        blocks = [
            table(
                _("Who created, changed or looked at the records, and when (oldest first)"),
                [_("When"), _("Who"), _("Action"), _("Record"), _("Fields changed")],
                rows,
                empty=_("No entry."),
            )
        ]
        if total > TRAIL_LIMIT:
            blocks.insert(
                0, text(_("The latest %(shown)s of %(total)s entries.") % {"shown": TRAIL_LIMIT, "total": total})
            )
        return section("trail", _("Processing trail"), *blocks)


register(AccessReport())
