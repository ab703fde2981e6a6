"""The two petitions regulations at their boundary (2022-04-30 / 2022-05-01), and the review window's last day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from jisheng.accounts.models import User
from jisheng.core import clock
from jisheng.core.errors import InvalidInput
from jisheng.petitions import rules, services
from jisheng.petitions.models import Petition

from .conftest import at

pytestmark = pytest.mark.django_db


def test_a_petition_received_2022_04_28_follows_and_cites_the_2005_regulation(
        receive: Callable[..., Petition], clerk: User) -> None:
    petition = receive(dt.date(2022, 4, 28))
    assert petition.regime == rules.REG_2005
    case = petition.case
    assert case.clocks.get(kind="acceptance").basis == "petition-reg-2005/art-22"
    with clock.frozen(at(dt.date(2022, 5, 3), 10)):
        services.petition_accept(petition, actor=clerk)  # accepted under the new text: still the 2005 clocks
    conclusion = case.clocks.get(kind="conclusion")
    assert conclusion.basis == "petition-reg-2005/art-33" and conclusion.due == dt.date(2022, 7, 4)
    notice = case.records.get(kind="notice")
    assert notice.data["basis"] == "petition-reg-2005/art-22"
    assert rules.wording(petition.regime)["opinion"] == "书面答复意见"


def test_a_2005_opinion_before_the_change_cites_the_2005_text(receive: Callable[..., Petition], clerk: User) -> None:
    petition = receive(dt.date(2022, 4, 28))
    with clock.frozen(at(dt.date(2022, 4, 29), 10)):
        services.petition_accept(petition, actor=clerk)
        services.petition_give_opinion(petition, outcome="explain", facts="f", reasons="r",
                                       provision_keys=[rules.provision(petition.regime, "opinion")], actor=clerk)
    assert petition.case.decision.provision_keys == ["petition-reg-2005/art-32"]


def test_a_petition_received_2022_05_02_follows_the_2022_regulation(receive: Callable[..., Petition],
                                                                     clerk: User) -> None:
    petition = receive(dt.date(2022, 5, 2))
    assert petition.regime == rules.REG_2022
    assert petition.case.clocks.get(kind="acceptance").basis == "petition-work-reg-2022/art-23"
    with clock.frozen(at(dt.date(2022, 5, 3), 10)):
        services.petition_accept(petition, actor=clerk)
    assert petition.case.clocks.get(kind="conclusion").basis == "petition-work-reg-2022/art-34"
    assert rules.wording(petition.regime)["opinion"] == "信访处理意见书"


@pytest.mark.parametrize(("day", "accepted"), [(30, True), (31, False)])
def test_a_review_request_on_day_31_after_receipt_is_refused(receive: Callable[..., Petition], clerk: User,
                                                             day: int, accepted: bool) -> None:
    received = dt.date(2026, 3, 2)  # day 30 is Wednesday 2026-04-01
    petition = receive(dt.date(2026, 2, 2))
    with clock.frozen(at(received, 10)):
        services.petition_accept(petition, actor=clerk, on=dt.date(2026, 2, 3))
        services.petition_give_opinion(petition, outcome="support", facts="f", reasons="r",
                                       provision_keys=["petition-work-reg-2022/art-32"], actor=clerk,
                                       on=dt.date(2026, 2, 27))
        reply = services.petition_send_reply(petition, text="答复", channel="letter", on=dt.date(2026, 2, 28),
                                             actor=clerk)
        services.reply_mark_received(reply, on=received, actor=clerk)
    request_on = received + dt.timedelta(days=day)
    with clock.frozen(at(request_on, 10)):
        if accepted:
            services.petition_request_review(petition, on=request_on, request="不服", actor=clerk)
            petition.case.refresh_from_db()
            assert petition.case.status == "review"
        else:
            with pytest.raises(InvalidInput, match="复查请求已超过30日期限") as err:
                services.petition_request_review(petition, on=request_on, request="不服", actor=clerk)
            assert err.value.location == "on"
