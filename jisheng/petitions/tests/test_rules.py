"""Petition rules: the regulation of the receipt date, its provisions and wording, the review windows."""

from __future__ import annotations

import datetime as dt

import pytest

from jisheng.core.errors import InvalidInput
from jisheng.law.provisions import in_force, provision_exists
from jisheng.petitions import rules
from jisheng.petitions.enums import Channel, channel_from_api, channel_to_api


def test_the_regime_changes_on_2022_05_01() -> None:
    assert rules.regime_on(dt.date(2005, 5, 1)) == rules.REG_2005
    assert rules.regime_on(dt.date(2022, 4, 30)) == rules.REG_2005
    assert rules.regime_on(dt.date(2022, 5, 1)) == rules.REG_2022
    with pytest.raises(InvalidInput, match="2005-04-30"):
        rules.regime_on(dt.date(2005, 4, 30))


def test_every_cited_provision_is_in_the_catalogue_and_in_force_under_its_regime() -> None:
    for regime, day in ((rules.REG_2005, dt.date(2022, 4, 30)), (rules.REG_2022, dt.date(2022, 5, 1))):
        for step, key in rules.provisions(regime).items():
            assert provision_exists(key), (regime, step, key)
            assert in_force(key, day), (regime, step, key)
    assert rules.provision(rules.REG_2005, "review") == "petition-reg-2005/art-34"
    assert rules.provision(rules.REG_2022, "review") == "petition-work-reg-2022/art-35"
    assert rules.provision(rules.REG_2022, "representatives") == "petition-work-reg-2022/art-20/para-3"


def test_each_text_words_its_opinion_paper() -> None:
    assert rules.wording(rules.REG_2022)["opinion"] == "信访处理意见书"
    assert rules.wording(rules.REG_2005)["opinion"] == "书面答复意见"


@pytest.mark.django_db
def test_the_review_window_is_30_calendar_days_after_receipt() -> None:
    received = dt.date(2026, 3, 2)
    assert rules.review_window_end(received, rules.REG_2022) == dt.date(2026, 4, 1)
    assert rules.re_review_window_end(received, rules.REG_2022) == dt.date(2026, 4, 1)
    # a last day in the Qingming holiday (Saturday 2026-04-04) moves to the next working day
    assert rules.review_window_end(dt.date(2026, 3, 5), rules.REG_2022) == dt.date(2026, 4, 7)


def test_api_channels_map_both_ways() -> None:
    assert channel_from_api("12345") == Channel.HOTLINE_12345
    assert channel_to_api(Channel.SERVICE_LINE) == "service-line"
    with pytest.raises(ValueError):
        channel_from_api("wechat")
