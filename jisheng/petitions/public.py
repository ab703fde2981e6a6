"""The public petition pages on the portal (no sign-in): the web form (网上信访) and the tracking page (办理进度查询).

Both pages are POST forms, so they carry a CSRF token and set the CSRF cookie; they are answered
``Cache-Control: no-store`` (a submission or a lookup is never kept by a browser or proxy cache) and are the
portal's form pages beside the sign-in page (docs/adr/0051: every other public page stays cookie-less).

The tracking code never appears in an address: the form's answer shows it in the body of the POST's answer (no
redirect carrying it), and the tracking page takes it in a POST body, so no access log holds it.

Abuse: a hidden field (honeypot, hidden by ``petitions/public.css``: the strict CSP forbids inline styles) filled in
is answered as accepted and nothing is stored; submissions are limited per client (``JISHENG["PETITION_WEB_LIMIT"]``,
default 5 an hour) and failed lookups too (``JISHENG["PETITION_LOOKUP_LIMIT"]``, default 10 an hour), counted in
:class:`~jisheng.petitions.models.WebSubmission` under a keyed hash of the client address, never the address. Over a
limit the page answers 429. A double click records one petition: the form carries a one-time key, used as the
petition's idempotency key (``order_no`` ``W-<key>``), and a key seen before shows the first submission's code.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from datetime import date, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from jisheng.core import clock
from jisheng.core.access import route_scope
from jisheng.core.errors import Conflict, InvalidInput, for_people
from jisheng.core.idnumber import validate_id_number
from jisheng.core.masking import mask_text
from jisheng.core.middleware import client_ip
from jisheng.core.models import Area, AreaLevel

from . import selectors, services
from .enums import Channel, FollowUpResult
from .models import TRACKING_ALPHABET, TRACKING_LENGTH, Petition, WebSubmission

logger = logging.getLogger(__name__)

#: The form's one-time key: URL-safe base64 of 16 random bytes (22 characters); the idempotency key's shape.
_KEY = re.compile(r"[A-Za-z0-9_-]{22}")
#: A mobile (11 digits from 13…19) or a landline with its area code (0512-53521234, 051253521234).
_PHONE = re.compile(r"1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}")
#: What the "purpose" of a counted request is hashed with, so submissions and failed lookups count apart.
_SUBMIT, _LOOKUP = "submit", "lookup"

KEY_EXPIRED = _("表单已失效，请核对后重新提交。")
NOT_FOUND = _("没有找到与这个查询码对应的信访事项。请核对查询码（12 位，字母和数字）后重新输入。")


# --- limits -------------------------------------------------------------------------------------------------------

def client_digest(request: HttpRequest, purpose: str = _SUBMIT) -> str:
    """The key a client is counted under: HMAC-SHA-256 (hex, 64 characters) of the client address with the
    secret key, and the ``purpose`` (``"submit"``: form submissions; ``"lookup"``: failed tracking-code lookups),
    so the address itself is stored nowhere and the two limits count apart."""
    message = f"{purpose}|{client_ip(request) or '-'}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _limit(name: str, default: tuple[int, int]) -> tuple[int, int]:
    count, seconds = settings.JISHENG.get(name, default)
    return int(count), int(seconds)


def submit_limit() -> tuple[int, int]:
    """``(submissions, seconds)``: at most this many web-form submissions per client in a sliding window
    (``JISHENG["PETITION_WEB_LIMIT"]``, default 5 an hour)."""
    return _limit("PETITION_WEB_LIMIT", (5, 3600))


def lookup_limit() -> tuple[int, int]:
    """``(failed lookups, seconds)``: at most this many failed tracking-code lookups per client in a sliding window
    (``JISHENG["PETITION_LOOKUP_LIMIT"]``, default 10 an hour); then the tracking page answers 429."""
    return _limit("PETITION_LOOKUP_LIMIT", (10, 3600))


def over_limit(client: str, limit: tuple[int, int]) -> bool:
    """Whether ``client`` (a :func:`client_digest`) has used up ``limit`` = ``(count, seconds)`` by now."""
    count, seconds = limit
    since = clock.now() - timedelta(seconds=seconds)
    return WebSubmission.objects.filter(client=client, at__gt=since).count() >= count


#: Counted requests older than this are deleted as new ones arrive: no limit window is longer, and a client's
#: digest is kept no longer than it is needed.
KEEP_COUNTS = timedelta(days=1)


def count_request(client: str) -> None:
    """Count one request of ``client`` (a :func:`client_digest`) towards its limit (one row holding the digest and
    the time, nothing else); rows older than :data:`KEEP_COUNTS` are deleted on the way."""
    now = clock.now()
    WebSubmission.objects.filter(at__lt=now - KEEP_COUNTS).delete()
    WebSubmission.objects.create(client=client, at=now)


# --- forms ----------------------------------------------------------------------------------------------------------

def towns(on: date) -> list[Area]:
    """The towns and sub-districts in force on ``on`` under the body receiving web petitions
    (``JISHENG["PETITIONS_AREA_CODE"]``, default the demo county), in code order."""
    code = settings.JISHENG.get("PETITIONS_AREA_CODE") or settings.JISHENG["DEMO_COUNTY_CODE"]
    root = Area.objects.filter(code=code).only("path").first()
    if root is None:
        return []
    return list(Area.objects.filter(level=AreaLevel.TOWN, path__startswith=root.path)
                .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
                .only("code", "name", "path").order_by("path"))


class PetitionWebForm(forms.Form):
    """The web form: who, how to reach them, what about, where; the consent; the one-time key; the honeypot."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20,
                            help_text=_("手机号码或带区号的固定电话，用于联系您。"))
    id_number = forms.CharField(label=_("身份证号（选填）"), max_length=20, required=False)
    town = forms.ChoiceField(label=_("事项所在镇（街道）"))
    subject = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(label=_("诉求内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}),
                              help_text=_("请写明事情经过、您的诉求和理由。"))
    consent = forms.BooleanField(label=_("我已阅读并同意上述说明，所填内容真实。"))
    key = forms.CharField(widget=forms.HiddenInput)
    #: The honeypot: hidden from people by the stylesheet; a program filling every field fills it.
    website = forms.CharField(label=_("网址（请勿填写）"), required=False,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args: Any, town_list: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.town_list = {t.code: t for t in town_list}
        field = self.fields["town"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("请选择")), *((t.code, t.name) for t in town_list)]
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["id_number"].widget.attrs.update(autocomplete="off")

    def clean_phone(self) -> str:
        value = re.sub(r"[\s()（）]", "", self.cleaned_data["phone"]).removeprefix("+86")
        if not _PHONE.fullmatch(value):
            raise forms.ValidationError(_("请填写 11 位手机号码或带区号的固定电话。"))
        return value

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        if not value:
            return ""
        try:
            return validate_id_number(value)
        except InvalidInput as exc:
            raise forms.ValidationError(for_people(exc)) from None

    def clean_key(self) -> str:
        value = str(self.cleaned_data["key"])
        if not _KEY.fullmatch(value):
            raise forms.ValidationError(KEY_EXPIRED)
        return value

    def town_area(self) -> Area:
        """The chosen town (after validation)."""
        return self.town_list[self.cleaned_data["town"]]


class TrackForm(forms.Form):
    """The tracking code, as typed (spaces, dashes and lower case are forgiven)."""

    code = forms.CharField(label=_("查询码"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false"}))


def new_key() -> str:
    """A fresh one-time key for the web form (22 URL-safe characters)."""
    return secrets.token_urlsafe(16)


def decoy_code() -> str:
    """A code shaped like a tracking code that belongs to nothing (the answer to a filled honeypot)."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(TRACKING_LENGTH))


# --- views ----------------------------------------------------------------------------------------------------------

def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, {"portal": True, **context}, status=status)
    add_never_cache_headers(response)  # no-store: neither a submission nor a lookup is kept by any cache
    return response


def _limited(request: HttpRequest, what: str) -> HttpResponse:
    return _page(request, "petitions/public/limited.html", {"what": what}, status=429)


@route_scope(public=True, methods=("GET", "POST"))
def petition_form(request: HttpRequest) -> HttpResponse:
    """``/portal/petitions/``: the web petition form (网上信访); no sign-in.

    GET: the empty form with a fresh one-time key. POST: a filled honeypot is answered as accepted with a code that
    belongs to nothing, and nothing is stored (one log line without personal data); a key already used shows the
    first submission's tracking code (double click, reload); a client over ``PETITION_WEB_LIMIT`` gets the 429 page;
    otherwise the petition is received through ``services.petition_receive`` (channel ``web``, the intake account,
    ``order_no`` ``W-<key>``) and the answer shows its tracking code. Invalid input shows the form again, with its
    errors and the same key. Every answer is ``no-store``.
    """
    on = clock.today()
    town_list = towns(on)
    if request.method != "POST":
        form = PetitionWebForm(initial={"key": new_key()}, town_list=town_list)
        return _page(request, "petitions/public/form.html", {"form": form})
    if request.POST.get("website", "").strip():
        logger.info("web petition form: the hidden field was filled in; answered as accepted, nothing stored")
        return _page(request, "petitions/public/done.html", {"code": decoy_code()})
    form = PetitionWebForm(request.POST, town_list=town_list)
    if not form.is_valid():
        if "key" in form.errors:  # forged or lost: what was typed is kept, under a fresh key, nothing recorded
            form = PetitionWebForm(request.POST.dict() | {"key": new_key()}, town_list=town_list)
            form.is_valid()
            form.add_error(None, KEY_EXPIRED)
        return _page(request, "petitions/public/form.html", {"form": form})
    order_no = f"W-{form.cleaned_data['key']}"
    seen = Petition.objects.filter(order_no=order_no).values_list("tracking_code", flat=True).first()
    if seen is not None:  # the same form sent again (a double click, a reload): its code, nothing new
        return _page(request, "petitions/public/done.html", {"code": seen})
    client = client_digest(request, _SUBMIT)
    if over_limit(client, submit_limit()):
        logger.warning("web petition form: a client reached the submission limit; refused with 429")
        return _limited(request, "submit")
    petition = _receive(form, order_no=order_no, client=client)
    return _page(request, "petitions/public/done.html", {"code": petition.tracking_code})


def _receive(form: PetitionWebForm, *, order_no: str, client: str) -> Petition:
    data = form.cleaned_data
    petitioner = {"name": data["name"].strip(), "phone": data["phone"]}
    if data["id_number"]:
        petitioner["id_number"] = data["id_number"]
    with transaction.atomic():
        petition, created = services.petition_receive(
            channel=Channel.WEB, received_at=clock.now(), subject=data["subject"].strip(),
            content=data["content"].strip(), petitioner=petitioner, actor=services.intake_actor(Channel.WEB),
            order_no=order_no, concerned_area=form.town_area())
        if created:
            count_request(client)
    return petition


class _Rating(forms.Form):
    result = forms.ChoiceField(choices=FollowUpResult.choices)


@route_scope(public=True, methods=("GET", "POST"))
def petition_track(request: HttpRequest) -> HttpResponse:
    """``/portal/petitions/track/``: what became of a petition, by its tracking code (办理进度查询); no sign-in.

    GET: the empty form. POST ``code``: the petition's status label, received date, conclusion due date and the
    latest reply's text (ID and phone numbers masked, ``core.masking.mask_text``) and date — nothing about staff
    or other persons. A reply sent through the web channel is marked received that day the first time it is shown
    (``services.reply_mark_received``; it starts the review window). POST ``code`` + ``result``: the satisfaction
    rating of the latest reply, recorded once (``services.follow_up_record``); the page then shows the recorded one.
    An unknown or malformed code gets one "not found" answer, and counts against ``PETITION_LOOKUP_LIMIT``: over it
    the page answers 429 without looking. Every answer is ``no-store``.
    """
    if request.method != "POST":
        return _page(request, "petitions/public/track.html", {"form": TrackForm()})
    client = client_digest(request, _LOOKUP)
    if over_limit(client, lookup_limit()):
        logger.warning("petition tracking page: a client reached the failed-lookup limit; refused with 429")
        return _limited(request, "lookup")
    form = TrackForm(request.POST)
    if not form.is_valid():
        return _page(request, "petitions/public/track.html", {"form": form})
    code = selectors.normalise_tracking_code(form.cleaned_data["code"])
    petition = selectors.petition_by_tracking_code(code)
    if petition is None:
        count_request(client)
        form.add_error("code", NOT_FOUND)
        return _page(request, "petitions/public/track.html", {"form": form})
    context: dict[str, Any] = {"form": TrackForm(initial={"code": code}), "code": code}
    if "result" in request.POST:
        context.update(_rate(petition, request.POST))
    _mark_received(petition)
    context.update(info=_shown(petition, selectors.public_status(petition)), ratings=FollowUpResult.choices)
    return _page(request, "petitions/public/track.html", context)


def _rate(petition: Petition, data: Any) -> dict[str, Any]:
    rating = _Rating(data)
    if not rating.is_valid():
        return {"rating_error": _("请选择一项评价。")}
    try:
        services.follow_up_record(petition, result=rating.cleaned_data["result"], on=clock.today(), actor=None)
    except Conflict:  # rated before (another tab, a double click): the recorded rating stands
        return {"rating_error": _("这次答复已经评价过，以下是您当时的评价。")}
    except InvalidInput as exc:
        return {"rating_error": for_people(exc)}
    return {"rated": True}


def _mark_received(petition: Petition) -> None:
    """The latest reply sent through the web channel is received by the petitioner the first day they see it."""
    reply = petition.replies.order_by("-sent_on", "-id").first()
    if reply is not None and reply.channel == Channel.WEB and reply.received_on is None:
        services.reply_mark_received(reply, on=clock.today(), actor=None)


#: Statuses in which no conclusion period runs (the matter went elsewhere or was not accepted).
_NO_CONCLUSION = frozenset({"referred", "channelled", "not_accepted"})


def _shown(petition: Petition, status: dict[str, Any]) -> dict[str, Any]:
    """What the tracking page prints of :func:`selectors.public_status`: the status label, the received date, the
    conclusion due date (words when there is none yet; empty when none runs), the latest reply's text masked
    (:func:`masked_reply`) and date, the satisfaction label."""
    reply = status["reply"]
    due = status["conclusion_due"]
    if due is None and status["status"] in _NO_CONCLUSION:
        due_text = ""  # referred, channelled, not accepted: no conclusion period runs here
    elif due is None:  # not accepted yet, or the due date waits for next year's holiday calendar
        due_text = str(_("受理后确定") if status["status"] == "registered" else _("待定"))
    else:
        due_text = due.isoformat()
    return {"status_label": status["status_label"], "received_on": status["received_on"],
            "conclusion_due": due_text,
            "reply_text": masked_reply(petition, str(reply["text"])) if reply else "",
            "replied_on": reply["replied_on"] if reply else None, "satisfaction_label": status["satisfaction"]}


def masked_reply(petition: Petition, text: str) -> str:
    """A reply's ``text`` as the public may read it: every ID and phone number masked however written, and every
    name the petition knows (its parties, an officer complained about) masked to the surname
    (``core.masking.mask_text``, contract §3)."""
    names = [*selectors.party_names(petition), petition.complained_name]
    return mask_text(text, names=[n for n in names if n])
