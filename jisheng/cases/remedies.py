"""The remedies told with an unfavourable decision: to whom and within what period (docs/adr/0045).

A refusal must state its reasons and tell the applicant of the right to apply for administrative
reconsideration or bring an administrative suit (行政许可法 Art. 38 para 2). Naming the reconsideration body and
the period matters: when a decision does not tell them, the reconsideration period runs from when the party
learns them, up to one year (行政复议法 2023 Art. 20 para 3), and so does the period to sue (最高人民法院关于适用
《行政诉讼法》的解释 2018 Art. 64).

Everything here is dated: the periods are the law parameters ``reconsideration.application`` and
``litigation.direct_suit``, and the choice of reconsideration body is ``reconsideration.superior_department``,
each in force on the decision date; the bodies' names come from the area tree (:mod:`jisheng.cases.documents`).
"""

from __future__ import annotations

import datetime as dt

from jisheng.core.models import Area
from jisheng.law.parameters import parameter_value

from .documents import basic_court_name, government_name, superior_commission_name

#: The provisions on the competent court, by the date the version of 行政诉讼法 carrying them took effect
#: (the rule — the basic court of the place of the deciding agency — is the same in both texts).
_COURT_PROVISIONS: tuple[tuple[dt.date, tuple[str, ...]], ...] = (
    (dt.date(1990, 10, 1), ("admin-litigation-law-1989/art-13", "admin-litigation-law-1989/art-17")),
    (dt.date(2015, 5, 1), ("admin-litigation-law-2014/art-14", "admin-litigation-law-2014/art-18/para-1")),
)


def reconsideration_bodies(area: Area, on: dt.date) -> list[str]:
    """The bodies a decision of the county-level commission of ``area`` on ``on`` may be taken to for
    reconsideration: from 2024-01-01 only the people's government at the same level (行政复议法 2023 Art. 24
    para 1 item 1); before, at the applicant's choice, that government or the department one level up
    (行政复议法 1999, as amended 2009 and 2017, Art. 12 para 1)."""
    bodies = [government_name(area)]
    if parameter_value("reconsideration.superior_department", on).value:
        superior = superior_commission_name(area, on)
        if superior:
            bodies.append(superior)
    return bodies


def remedies_on(area: Area, on: dt.date) -> list[str]:
    """The remedy lines printed on an unfavourable decision taken on ``on`` by the county-level commission of
    ``area`` (the case's area or the commission's own; the county-level area is found in the tree).

    1. Reconsideration within the period of ``reconsideration.application`` (60 days: 行政复议法 1999 Art. 9,
       2023 Art. 20) before the bodies of :func:`reconsideration_bodies` (1999 Art. 12 para 1: the same-level
       government or the superior department; from 2024-01-01, 2023 Art. 24 para 1 item 1: the same-level
       government only).
    2. A direct suit within the period of ``litigation.direct_suit`` (3 months, 行政诉讼法 1989 Art. 39;
       6 months from 2015-05-01, 2014 text Art. 46 para 1) before the basic people's court of the place of the
       deciding agency (1989 Art. 13 and 17; 2014 text Art. 14 and Art. 18 para 1).

    Raises:
        InvalidInput: a parameter has no value in force on ``on`` (the decision cannot tell the remedies).
    """
    reconsideration = parameter_value("reconsideration.application", on)
    suit = parameter_value("litigation.direct_suit", on)
    bodies = "或者".join(reconsideration_bodies(area, on))
    court = basic_court_name(area) or "有管辖权的人民法院"
    return [
        f"如不服本决定，可以自收到本决定书之日起{reconsideration.value}{reconsideration.unit_label}内"
        f"向{bodies}申请行政复议。",
        f"也可以自收到本决定书之日起{suit.value}{suit.unit_label}内直接向{court}提起行政诉讼。",
    ]


def remedy_provisions(on: dt.date) -> list[str]:
    """The provision keys :func:`remedies_on` rests on for a decision on ``on`` (to record with the decision)."""
    keys = [parameter_value(k, on).provision for k in ("reconsideration.application",
                                                        "reconsideration.superior_department",
                                                        "litigation.direct_suit")]
    court: tuple[str, ...] = ()
    for start, provisions in _COURT_PROVISIONS:
        if start <= on:
            court = provisions
    return [*keys, *court]
