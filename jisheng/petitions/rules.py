"""Petition rules: which regulation applies, which provision each step rests on, how each text words its papers,
and the windows for review requests. Pure functions of their arguments and the law catalogue (no database).

Two texts (legal-facts §4.6): the 2005 信访条例 (``petition-reg-2005``, 2005-05-01 to 2022-04-30) and the 2022
信访工作条例 (``petition-work-reg-2022``, from 2022-05-01). The text in force on the receipt date governs the
whole petition (its clocks, its wording, its citations); the opinion cites provisions in force on the opinion
date, which for a petition received under one text and answered under the other is checked by the engine.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jisheng.core.errors import InvalidInput

REG_2005 = "petition-reg-2005"
REG_2022 = "petition-work-reg-2022"
REGIMES = (REG_2005, REG_2022)

#: step → provision key, per regime. Every key is in the catalogue (jisheng/law/data/instruments/petition-*.yaml,
#: read from LawRefBook/Laws 行政法规/信访条例(2005-01-10).md and 行政法规/信访工作条例(2022-02-25).md).
PROVISIONS: dict[str, dict[str, str]] = {
    REG_2005: {
        "routing": "petition-reg-2005/art-21/para-1",
        "acceptance": "petition-reg-2005/art-22",
        "channel": "petition-reg-2005/art-21/para-1",
        "confidentiality": "petition-reg-2005/art-23",
        "representatives": "petition-reg-2005/art-18/para-2",
        "opinion": "petition-reg-2005/art-32",
        "conclusion": "petition-reg-2005/art-33",
        "extension": "petition-reg-2005/art-33",
        "review": "petition-reg-2005/art-34",
        "re_review": "petition-reg-2005/art-35",
        "repeat": "petition-reg-2005/art-35",
    },
    REG_2022: {
        "routing": "petition-work-reg-2022/art-22",
        "acceptance": "petition-work-reg-2022/art-23",
        "channel": "petition-work-reg-2022/art-31",
        "confidentiality": "petition-work-reg-2022/art-30/para-3",
        "representatives": "petition-work-reg-2022/art-20/para-3",
        "opinion": "petition-work-reg-2022/art-32",
        "conclusion": "petition-work-reg-2022/art-34",
        "extension": "petition-work-reg-2022/art-34",
        "review": "petition-work-reg-2022/art-35",
        "re_review": "petition-work-reg-2022/art-36",
        "repeat": "petition-work-reg-2022/art-36",
    },
}

#: Paper and step names as each text words them.
WORDING: dict[str, dict[str, str]] = {
    REG_2005: {
        "regulation": "《信访条例》",
        "opinion": "书面答复意见",
        "opinion_step": "处理意见",
        "review": "复查意见",
        "re_review": "复核意见",
        "acceptance_notice": "受理告知书",
        "channel_notice": "告知书",
    },
    REG_2022: {
        "regulation": "《信访工作条例》",
        "opinion": "信访处理意见书",
        "opinion_step": "处理意见",
        "review": "复查意见",
        "re_review": "复核意见",
        "acceptance_notice": "受理告知书",
        "channel_notice": "告知书",
    },
}

#: The names above as the staff pages show them, marked for translation (papers always word them in Chinese).
UI_NAMES = (gettext_noop("《信访条例》"), gettext_noop("《信访工作条例》"), gettext_noop("书面答复意见"),
            gettext_noop("信访处理意见书"), gettext_noop("复查意见"), gettext_noop("复核意见"))

#: At most this many representatives of a group visit are recorded: 代表人数不得超过5人 in both texts
#: (``petition-reg-2005/art-18/para-2``; ``petition-work-reg-2022/art-20/para-3``).
MAX_REPRESENTATIVES = 5


def _start(key: str) -> dt.date:
    from jisheng.law.provisions import version_data

    version = version_data(key)
    start = version.effective or version.adopted
    assert start is not None, key
    return start


def regime_on(day: dt.date) -> str:
    """The version key of the petitions regulation in force on ``day`` (the receipt date), read from the law
    catalogue's effective dates: ``petition-reg-2005`` from 2005-05-01, ``petition-work-reg-2022`` from 2022-05-01.

    Raises:
        InvalidInput: ``day`` before 2005-05-01 (the 1995 regulation is not in the law data), naming the date.
    """
    chosen = None
    for key in REGIMES:
        if _start(key) <= day:
            chosen = key
    if chosen is None:
        raise InvalidInput(_("%(d)s 收到的信访事项适用1995年《信访条例》，本系统法规库未收录，请人工办理") % {
            "d": day.isoformat()}, location="received_at")
    return chosen


def provisions(regime: str) -> dict[str, str]:
    """Step → provision key under ``regime`` (``acceptance``, ``opinion``, ``conclusion``, ``review``…).

    Raises:
        KeyError: an unknown regime.
    """
    return dict(PROVISIONS[regime])


def provision(regime: str, step: str) -> str:
    """The provision key of ``step`` under ``regime``; the version key itself when the text has none for it."""
    return PROVISIONS[regime].get(step, regime)


def wording(regime: str) -> dict[str, str]:
    """The paper and step names as the text of ``regime`` words them (2022: 信访处理意见书; 2005: 书面答复意见)."""
    return dict(WORDING[regime])


def _window_end(received_on: dt.date, parameter: str) -> dt.date:
    from jisheng.law.deadlines import compute_due
    from jisheng.law.parameters import parameter_value

    amount = int(parameter_value(parameter, received_on).value)  # type: ignore[arg-type]
    return compute_due(received_on, amount, "calendar").due


def review_window_end(received_on: dt.date, regime: str = "") -> dt.date:
    """The last day to request a review (复查): ``petition.review_request`` calendar days (30) after the day the
    petitioner received the answer, that day not counted (contract §1; a last day off work moves to the next
    working day). ``petition-reg-2005/art-34``; ``petition-work-reg-2022/art-35``.

    ``regime`` is accepted for symmetry; the parameter in force on ``received_on`` is used.

    Raises:
        InvalidInput: the parameter has no value that day, or the calendar lacks the year.
    """
    return _window_end(received_on, "petition.review_request")


def re_review_window_end(received_on: dt.date, regime: str = "") -> dt.date:
    """The last day to request a re-review (复核): ``petition.re_review_request`` calendar days (30) after the day
    the petitioner received the review opinion. ``petition-reg-2005/art-35``; ``petition-work-reg-2022/art-36``.

    Raises:
        InvalidInput: as :func:`review_window_end`.
    """
    return _window_end(received_on, "petition.re_review_request")
