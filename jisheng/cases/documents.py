"""Official documents (公文) of every procedure as PDF, laid out after GB/T 9704-2012 (docs/adr/0034, 0045).

The case engine owns the layout; a procedure owns its wording. A procedure's template extends
``cases/pdf/base.html`` and fills three blocks:

- ``body``: the text (salutation, paragraphs, lists, tables);
- ``closing_text``: the last paragraph(s) of the text (e.g. "特此通知。", or a refusal's remedies), which the
  base keeps on one page with the issuer and seal line and the date (one unbreakable closing block);
- ``note``: an optional basis or copies note printed under the closing, in the same block.

The base lays out A4 with margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right (a 156 × 225 mm type
area); the issuer mark in red bold serif over the document number and a red rule; the title in bold serif
22 pt (二号); the body in 16 pt (三号) on a 28.9 pt grid, about 28 characters a line; the issuer's signature
centred over the date, four characters from the right edge, as GB/T 9704 7.3.5.1 places the seal; Arabic-numeral
dates; page numbers "— 1 —" in the foot. The context must carry ``title``, ``issuer``, ``doc_number`` and
``signed_on`` (a date already formatted with :func:`cn_date`).

Fonts are the vendored ones of :mod:`jisheng.core.fonts` (never the machine's), registered through
``@font-face`` and embedded (subset) in every PDF; one WeasyPrint ``FontConfiguration`` per thread loads them
once (docs/adr/0044). The system check ``core.E002`` refuses to start while one is missing.

The names of the bodies a document names — the county-level government, its people's court, the commission
that decides and its superior — come from the area tree (:func:`county_of`), never from a constant, so a case
in another county names its own.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from django.template.loader import render_to_string

from jisheng.core import fonts
from jisheng.core.models import Area, AreaLevel

#: The base template every official document extends.
BASE_TEMPLATE = "cases/pdf/base.html"

#: The commission's name changed with the institutional reform (人口和计划生育委员会 → 卫生健康委员会); the local
#: cut-over date is UNVERIFIED (the national merger was 2013, local mergers followed). One constant, here.
HEALTH_COMMISSION_FROM = dt.date(2019, 1, 1)


def cn_date(day: dt.date) -> str:
    """``2013年6月3日`` (GB/T 9704-2012 7.3.5: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


_fonts = threading.local()


def _font_config() -> Any:
    """One WeasyPrint font configuration per thread: the vendored fonts are loaded once, not per document."""
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render the Django template ``template`` (which extends :data:`BASE_TEMPLATE`, e.g.
    ``"<app>/pdf/<kind>.html"``) to PDF bytes with the vendored fonts embedded."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, "font_faces": fonts.font_face_css()})
    return HTML(string=html).write_pdf(font_config=_font_config())  # type: ignore[no-any-return]


# --- names of bodies, from the area tree ------------------------------------------------------------------


def county_of(area: Area) -> Area:
    """The county-level area (区、县级市、县) that ``area`` lies in; an area above that level is returned as is."""
    node: Area | None = area
    while node is not None and node.level > AreaLevel.COUNTY:
        node = node.parent
    return node or area


def full_name(area: Area) -> str:
    """The name a body of ``area`` carries: a city district (区) is prefixed with its city (苏州市姑苏区); a
    county-level city, a county, a city or a province stands alone (太仓市, 苏州市)."""
    parent = area.parent
    if area.level == AreaLevel.COUNTY and area.name.endswith("区") and parent is not None:
        return f"{parent.name}{area.name}"
    return area.name


def government_name(area: Area) -> str:
    """The people's government of the county-level area of ``area`` (太仓市人民政府)."""
    return f"{full_name(county_of(area))}人民政府"


def basic_court_name(area: Area) -> str | None:
    """The basic people's court of the county-level area of ``area`` (太仓市人民法院), or None when ``area``
    lies above county level (a city department's court is that of the district where it sits)."""
    county = county_of(area)
    return f"{full_name(county)}人民法院" if county.level == AreaLevel.COUNTY else None


def commission_name(area: Area, on: dt.date) -> str:
    """The commission of the county-level area of ``area`` by its name in force on ``on``."""
    suffix = "卫生健康委员会" if on >= HEALTH_COMMISSION_FROM else "人口和计划生育委员会"
    return f"{full_name(county_of(area))}{suffix}"


def superior_commission_name(area: Area, on: dt.date) -> str | None:
    """The commission one level up from the county-level commission of ``area`` (苏州市卫生健康委员会), by its
    name in force on ``on``; None when there is no level above in the area tree."""
    parent = county_of(area).parent
    return commission_name(parent, on) if parent is not None else None


def town_office_name(area: Area) -> str:
    """The receiving town's issuing name: 镇 → 人民政府, 街道 → 办事处."""
    return f"{area.name}{'办事处' if area.name.endswith('街道') else '人民政府'}"


# --- the legal review opinion (法制审核意见书), a paper of the engine itself ------------------------------

def legal_review_opinion(case: Any, review: Any, actor: Any) -> Any:
    """Render and file the 法制审核意见书 of ``review`` (a :class:`~jisheng.cases.models.LegalReview` of ``case``):
    the matter, the parties, what the file proposes and on what basis, the reviewer's opinion and conclusion.

    Issued in the name of the deciding commission (its legal office reviews, 国办发〔2018〕118号); numbered
    ``<county initial>法审〔year〕<case seq>-<n>号``. Returns the stored :class:`CaseDocument`.
    """
    from jisheng.law.provisions import describe

    from . import types
    from .services import case_store_generated_document
    from .workflows import ENGINE_PAYLOAD_ACTIONS, LEGAL_REVIEW_REQUEST

    ctype = types.get(case.case_type)
    on = review.reviewed_on
    county = county_of(case.area)
    n = case.legal_reviews.filter(pk__lte=review.pk).count()
    number = f"{county.name[:1]}法审〔{on.year}〕{case.number.rsplit('-', 1)[-1]}-{n}号"
    parties = [(str(next((p.label for p in ctype.parties if p.role == a.role), a.role)), a.display_name)
               for a in case.applicants.select_related("person")]
    # the department's opinion: its last step with an opinion before the file went to review — never a request
    # for review or a review itself (this review's own step is already recorded when the paper is printed)
    last_step = (case.steps.exclude(action__in=(LEGAL_REVIEW_REQUEST, *ENGINE_PAYLOAD_ACTIONS)).exclude(opinion="")
                 .order_by("-seq").first())
    context = {
        "title": "法制审核意见书", "issuer": commission_name(case.area, on), "doc_number": number,
        "signed_on": cn_date(on), "case": case, "type_label": str(ctype.label), "parties": parties,
        "application_date": cn_date(case.application_date),
        "basis": [describe(k) for k in ctype.decision_basis(case)],
        "handling_opinion": last_step.opinion if last_step is not None else "",
        "outcome": review.get_outcome_display(), "opinion": review.opinion,
        "reviewer": str(getattr(actor, "display_name", "") or getattr(actor, "username", "")),
    }
    pdf = render_pdf("cases/pdf/legal_review_opinion.html", context)
    return case_store_generated_document(case, kind="legal_review_opinion", title="法制审核意见书", content=pdf,
                                         actor=actor, doc_number=number,
                                         filename=f"{case.number}-legal-review-{n}.pdf")
