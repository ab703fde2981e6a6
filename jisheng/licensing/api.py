"""Public eligibility API (contract §2): ``POST /api/v1/eligibility/birth-approval``. No sign-in."""


import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from jisheng.core import jsonbody
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
    ``as_of`` (default: ``application_date``). 400 with the field named on bad input (malformed JSON, nesting
    deeper than :data:`jisheng.core.jsonbody.MAX_DEPTH`, a fact of the wrong type), 413 for a body over 64 KB
    (:class:`jisheng.core.middleware.LimitApiBodyMiddleware`, on the bytes read)."""
    from jisheng.licensing.services import birth_approval_eligibility

    # an empty form post carries no facts; any other body is read as JSON whatever its declared type (a
    # client sending text/plain must not be answered as if it had sent no facts)
    form_types = ("multipart/form-data", "application/x-www-form-urlencoded")
    if request.content_type in form_types and not request.POST:
        raw: bytes = b"{}"
    else:
        raw = request.body.strip() or b"{}"
    try:
        facts = jsonbody.loads(raw)
    except jsonbody.TooDeep as exc:
        raise HttpError(400, f"body: {exc}") from None
    except ValueError:
        raise HttpError(400, "body: not valid JSON") from None
    if not isinstance(facts, dict):
        raise HttpError(400, "body: the facts must be a JSON object")
    try:
        return birth_approval_eligibility(facts, as_of=as_of)
    except InvalidInput as exc:
        raise HttpError(400, str(exc)) from None
