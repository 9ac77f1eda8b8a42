"""Following a complaint up: the list, the complaint page with its timeline, and the actions on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from assessments.models import Assessment
from onegate import panels, scoping
from onegate.audit import log_view
from onegate.forms import run_action
from onegate.pagination import table_pagination
from onegate.uploads import stored_file_response

from .. import services
from ..filters import ComplaintFilter
from ..forms import AssessmentLinkForm, AssignForm, AttachmentForm, NoteForm, StatusForm
from ..models import Complaint, Status
from ..sla import SlaClock
from ..tables import ComplaintTable
from .common import get_complaint, scoped_complaints

PAGE_SIZE = 25
TEMPLATE = "complaints/action_form.html"  # an action form sent back with its errors


@login_required
def complaint_list(request):
    scoping.ensure_can(request.user, Complaint, scoping.VIEW)
    # What the list shows, not the descriptions and contact details of every row.
    shown = ("ticket_number", "received_at", "subject_name", "category__name", "category__parent__name", "region__name", "status",
             "due_date", "finished_at", "assigned_to__username", "assigned_to__first_name", "assigned_to__last_name")  # fmt: skip
    complaints = (
        scoped_complaints(request.user).select_related("category__parent", "region", "assigned_to").only(*shown)
    )
    filterset = ComplaintFilter(request.GET or None, queryset=complaints, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else complaints
    table = ComplaintTable(rows, order_by="-received_at")
    RequestConfig(request, paginate=table_pagination(PAGE_SIZE)).configure(table)
    template = "complaints/_table.html" if request.htmx else "complaints/list.html"
    return render(
        request,
        template,
        {"filter": filterset, "table": table, "can_add": scoping.can(request.user, Complaint, scoping.ADD)},
    )


@login_required
def complaint_detail(request, pk):
    complaint = get_complaint(request, pk)
    log_view(complaint)
    user = request.user
    can_change = scoping.can(user, Complaint, scoping.CHANGE)
    context = {
        "complaint": complaint,
        "sla_state": SlaClock.now().state(complaint),
        "events": complaint.events.select_related("actor").order_by("at", "pk"),
        "attachments": complaint.attachments.all(),
        "can_change": can_change,
        "status_form": StatusForm(complaint=complaint, initial={"version": complaint.version}) if can_change else None,
        "note_form": NoteForm() if can_change else None,
        "attachment_form": AttachmentForm() if can_change else None,
        "assign_form": AssignForm(
            officers=_officers_for(complaint),
            initial={"officer": complaint.assigned_to_id, "version": complaint.version},
        )
        if scoping.can(user, Complaint, "assign")
        else None,
        "panels": panels.panels_for("complaint", user, complaint),
        "assessment_form": _assessment_form(complaint, user) if can_change else None,
        "can_add_assessment": scoping.can(user, Assessment, scoping.ADD),
    }
    return render(request, "complaints/detail.html", context)


def _assessments_for(complaint, user):
    """The assessments of the subject's household the user may see, newest first."""
    household = complaint.subject.household_id if complaint.subject_id else None
    rows = Assessment.objects.filter(household_id=household).select_related("assessor")
    return scoping.restrict(rows, user).order_by("-visited_on", "-pk")


def _assessment_form(complaint, user):
    if complaint.status != Status.ASSESSMENT or not complaint.subject_id or not complaint.subject.household_id:
        return None
    initial = {"version": complaint.version, "assessment": complaint.assessment_id}
    return AssessmentLinkForm(assessments=_assessments_for(complaint, user), initial=initial)


def _officers_for(complaint):
    """Staff who can work on this complaint: their role may change complaints and their area covers it."""
    return scoping.users_who_can(complaint, scoping.CHANGE).order_by("role", "username")


def _action(request, pk, form_class, run, success, form_kwargs):
    """Run one action form on a complaint; on an error show the complaint page with the form."""
    complaint = get_complaint(request, pk, scoping.CHANGE if form_class is not AssignForm else "assign")
    kwargs = form_kwargs(complaint)
    return run_action(request, complaint, form_class, run, success=success, template=TEMPLATE, form_kwargs=kwargs)


@login_required
@require_POST
def complaint_status(request, pk):
    return _action(
        request,
        pk,
        StatusForm,
        lambda c, d, version: services.complaint_change_status(
            c,
            to_status=d["to_status"],
            note=d["note"],
            is_public=d["is_public"],
            acting_user=request.user,
            expected_version=version,
        ),
        _("Status changed."),
        form_kwargs=lambda c: {"complaint": c, "initial": {"version": c.version}},
    )


@login_required
@require_POST
def complaint_assessment(request, pk):
    return _action(
        request,
        pk,
        AssessmentLinkForm,
        lambda c, d, version: services.complaint_link_assessment(
            c, assessment=d["assessment"], acting_user=request.user, expected_version=version
        ),
        _("Needs assessment linked."),
        form_kwargs=lambda c: {"assessments": _assessments_for(c, request.user), "initial": {"version": c.version}},
    )


@login_required
@require_POST
def complaint_note(request, pk):
    return _action(
        request,
        pk,
        NoteForm,
        lambda c, d, _version: services.complaint_add_note(
            c, note=d["note"], is_public=d["is_public"], acting_user=request.user
        ),
        _("Note added."),
        form_kwargs=lambda c: {},
    )


@login_required
@require_POST
def complaint_assign(request, pk):
    return _action(
        request,
        pk,
        AssignForm,
        lambda c, d, version: services.complaint_assign(
            c, officer=d["officer"], acting_user=request.user, expected_version=version
        ),
        _("Assignment saved."),
        form_kwargs=lambda c: {"officers": _officers_for(c), "initial": {"version": c.version}},
    )


@login_required
@require_POST
def attachment_add(request, pk):
    return _action(
        request,
        pk,
        AttachmentForm,
        lambda c, d, _version: services.complaint_add_attachments(
            c, uploads=d["attachments"], acting_user=request.user
        ),
        _("Attachments added."),
        form_kwargs=lambda c: {},
    )


@login_required
@require_POST
def complaint_served(request, pk):
    complaint = get_complaint(request, pk, scoping.CHANGE)
    try:
        services.complaint_mark_served(complaint, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(ticket)s served.") % {"ticket": complaint.ticket_number})
    return redirect(request.POST.get("next") == "queue" and "complaints:queue" or complaint)


@login_required
def attachment_download(request, pk, attachment_pk):
    """Attachments live outside the web root and are served only to users who may see the complaint."""
    complaint = get_complaint(request, pk)
    attachment = get_object_or_404(complaint.attachments, pk=attachment_pk)
    log_view(attachment)
    return stored_file_response(attachment.file, attachment.content_type, attachment.original_name)
