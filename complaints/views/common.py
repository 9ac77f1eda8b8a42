"""Pieces the complaint views share."""

from onegate import scoping

from ..models import Complaint


def scoped_complaints(user, action=scoping.VIEW):
    return scoping.restrict(Complaint.objects.all(), user, action)


def get_complaint(request, pk, action=scoping.VIEW):
    return scoping.get_scoped_object(
        request.user, scoped_complaints(request.user).select_related("category__parent", "region"), action, pk=pk
    )
