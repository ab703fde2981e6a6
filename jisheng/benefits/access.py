"""Gatekeepers for benefits objects: the only way a view gets a protected record.

An enrolment (and its verifications and changes) is in a user's scope when the beneficiary's area
(``Enrolment.area``, the residence area from the registry) lies in the user's subtree; a posting when its
area does; a payment roll when its payer area does (county rolls are seen by county staff only).
Missing and out-of-scope records both raise Http404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jisheng.core.access import get_in_scope_or_404, in_scope

from .models import Enrolment, PaymentRoll, Posting, Verification


def enrolments_for_user(user: Any) -> QuerySet[Enrolment]:
    """Every enrolment whose beneficiary lives inside ``user``'s area scope."""
    return in_scope(Enrolment.objects.all(), user, area_field="area")


def enrolment_get_for_user(user: Any, pk: Any) -> Enrolment:
    """Return enrolment ``pk`` inside ``user``'s scope. Raises Http404 when missing or outside."""
    return get_in_scope_or_404(Enrolment.objects.select_related("person", "area", "town"), user,
                               area_field="area", pk=pk)


def verification_get_for_user(user: Any, pk: Any) -> Verification:
    """Return verification ``pk`` whose enrolment is inside ``user``'s scope. Raises Http404 otherwise."""
    return get_in_scope_or_404(Verification.objects.select_related("enrolment"), user,
                               area_field="enrolment__area", pk=pk)


def postings_for_user(user: Any) -> QuerySet[Posting]:
    """Postings whose area lies inside ``user``'s scope."""
    return in_scope(Posting.objects.all(), user, area_field="area")


def posting_get_for_user(user: Any, pk: Any) -> Posting:
    """Return posting ``pk`` inside ``user``'s scope. Raises Http404 when missing or outside."""
    return get_in_scope_or_404(Posting.objects.select_related("area"), user, area_field="area", pk=pk)


def rolls_for_user(user: Any) -> QuerySet[PaymentRoll]:
    """Payment rolls whose payer area lies inside ``user``'s scope."""
    return in_scope(PaymentRoll.objects.all(), user, area_field="area")


def roll_get_for_user(user: Any, pk: Any) -> PaymentRoll:
    """Return roll ``pk`` inside ``user``'s scope. Raises Http404 when missing or outside."""
    return get_in_scope_or_404(PaymentRoll.objects.select_related("area"), user, area_field="area", pk=pk)
