"""Public eligibility API (contract §2): ``POST /api/v1/eligibility/birth-approval``. No sign-in."""


import datetime as dt
import json
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from jisheng.core.api import api_scope
from jisheng.core.errors import InvalidInput

PREFIX = "/eligibility/"
#: Largest accepted request body (a complete set of facts is well under 2 KB).
MAX_BODY_BYTES = 64 * 1024
router = Router(tags=["eligibility"])


class EligibilityOut(Schema):
    eligible: bool | None
    provisions: list[str]
    unmet: list[str]
    missing: list[str]
    materials: list[str]


@router.post("/birth-approval", response=EligibilityOut, auth=None, url_name="eligibility_birth_approval")
@api_scope(public=True)
def birth_approval(request: HttpRequest, as_of: dt.date | None = None) -> dict[str, Any]:
    """Judge the JSON body (the facts, contract §2 vocabulary) under the Jiangsu rules in force on
    ``as_of`` (default: ``application_date``). 400 with the field named on bad input (malformed JSON, a
    fact of the wrong type), 413 for a body over :data:`MAX_BODY_BYTES`."""
    from jisheng.licensing.services import birth_approval_eligibility

    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:  # refused before reading: the facts of one family are a few hundred bytes
        raise HttpError(413, f"body: larger than {MAX_BODY_BYTES} bytes")
    # an empty form post carries no facts; any other body is read as JSON whatever its declared type (a
    # client sending text/plain must not be answered as if it had sent no facts)
    form_types = ("multipart/form-data", "application/x-www-form-urlencoded")
    if request.content_type in form_types and not request.POST:
        raw: bytes = b"{}"
    else:
        raw = request.body.strip() or b"{}"
    try:
        facts = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "body: not valid JSON") from None
    if not isinstance(facts, dict):
        raise HttpError(400, "body: the facts must be a JSON object")
    try:
        return birth_approval_eligibility(facts, as_of=as_of)
    except InvalidInput as exc:
        raise HttpError(400, str(exc)) from None
