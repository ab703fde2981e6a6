"""An error shown on a page names what is wrong in words, never a code's field key."""

from __future__ import annotations

from jisheng.core.errors import InvalidInput, NotPermitted, for_people


def test_a_field_key_is_left_out_and_a_location_in_words_is_kept() -> None:
    assert for_people(InvalidInput("决定须写明理由", location="reasons")) == "决定须写明理由"
    assert for_people(InvalidInput("补录理由必填", location="backdate_reason")) == "补录理由必填"
    assert for_people(InvalidInput("校验位错误", location="公民身份号码")) == "公民身份号码: 校验位错误"
    assert for_people(InvalidInput("日期无效", location="roster.csv:12")) == "roster.csv:12: 日期无效"
    assert for_people(InvalidInput("没有位置")) == "没有位置"
    assert for_people(NotPermitted("当前账号无权执行此操作")) == "当前账号无权执行此操作"
    # the command line and the logs keep the location
    assert str(InvalidInput("决定须写明理由", location="reasons")) == "reasons: 决定须写明理由"
