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
    ``as_of`` (default: ``application_date``). 400 with the field named on bad input."""
    from jisheng.licensing.services import birth_approval_eligibility

    if request.content_type != "application/json" and not request.POST:
        raw: bytes = b"{}"  # an empty form post carries no facts
    else:
        raw = request.body or b"{}"
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
