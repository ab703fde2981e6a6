"""Free-text masking (contract §3, ``jisheng mask --kind text``): every ID number and phone number however written.

Digits are masked where they stand, so the separators and the rest of the text stay as written: an ID number keeps
its first 6 and last 4 characters, a mobile its first 3 and last 4 digits (after +86/86), a landline its area code
and last 4 digits (0512-****9247).
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from jisheng.core.masking import mask_record, mask_text

W = str.maketrans("0123456789", "０１２３４５６７８９")

CASES = [
    # ID numbers: plain, spaced, dashed, dotted, glued to letters, full-width, lower-case x, legacy 15 digits
    ("身份证320585199001011234", "身份证320585********1234"),
    ("3205 8519 9001 0112 34", "3205 85** **** **12 34"),
    ("320585 19900101 1234", "320585 ******** 1234"),
    ("320585-19900101-1234", "320585-********-1234"),
    ("320585.19900101.123X", "320585.********.123X"),
    ("ID320585199001011234abc", "ID320585********1234abc"),
    ("no.32058519900101123x号", "no.320585********123x号"),
    ("３２０５８５１９９００１０１１２３４", "３２０５８５********１２３４"),
    ("身份证：３２０５ ８５１９ ９００１ ０１１２ ３４", "身份证：３２０５ ８５** **** **１２ ３４"),
    ("旧号 320585900101123", "旧号 320585*****1123"),
    # mobiles: 86 / +86 / 0086, spaces, dashes, dots, 4-3-4 groups, full-width
    ("13800138000", "138****8000"),
    ("8613800138000", "86138****8000"),
    ("+86 138 0013 8000", "+86 138 **** 8000"),
    ("+86-13800138000", "+86-138****8000"),
    ("0086 13800138000", "0086 138****8000"),
    ("138.0013.8000", "138.****.8000"),
    ("1380 013 8000", "138* *** 8000"),
    ("138-0013-8000", "138-****-8000"),
    ("tel13800138000ext", "tel138****8000ext"),
    ("１３８００１３８０００", "１３８****８０００"),
    ("＋８６　１３８　００１３　８０００", "＋８６　１３８　****　８０００"),
    # landlines: area code and last four kept
    ("0512-52479247", "0512-****9247"),
    ("0512 5247 9247", "0512 **** 9247"),
    ("(0512)52479247", "(0512)****9247"),
    ("（0512）5247-9247", "（0512）****-9247"),
    ("051252479247", "0512****9247"),
    ("010-62345678", "010-****5678"),
    ("座机0512-5247924", "座机0512-***7924"),
    ("+86 512 5247 9247", "+86 512 **** 9247"),
    ("０５１２－５２４７９２４７", "０５１２－****９２４７"),
    # several in one text
    ("王小明 320585199001011234，电话 138 0013 8000，座机 0512-52479247。",
     "王小明 320585********1234，电话 138 **** 8000，座机 0512-****9247。"),
]

UNTOUCHED = [
    "订单 12345678901234567890",  # a longer number
    "单号 1380013800099",  # a mobile's digits inside a longer number
    "2026-12-01 09:30",  # dates and times
    "金额 1200.00 元，共 3 笔",
    "电话 021-5555",  # too short for a landline
    "银行卡 6222021234567890123",
    "第 12 行：身份证号应为 18 位",
]


@pytest.mark.parametrize(("text", "masked"), CASES)
def test_mask_text_masks_every_way_of_writing_a_number(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", UNTOUCHED)
def test_mask_text_leaves_other_numbers_alone(text: str) -> None:
    assert mask_text(text) == text


def test_the_command_and_recorded_data_use_the_same_masker() -> None:
    text, masked = CASES[-1]
    out = io.StringIO()
    call_command("mask", "--kind", "text", "--names", "王小明", text, stdout=out)
    assert out.getvalue().strip() == masked.replace("王小明", "王**")
    assert mask_record({"note": text}, object_type="cases.case") == {"note": masked}


def test_recorded_addresses_keep_only_their_city() -> None:
    """A person's or a petitioner's home address in the audit trail keeps its first six characters (province and
    city or county) only."""
    from jisheng.core.masking import mask_address

    assert mask_record({"petitioner_address": "江苏省太仓市城厢镇北门街12号", "address": ["", "太仓市沙溪镇1号"]},
                       object_type="petitions.petition") == {"petitioner_address": "江苏省太仓市***",
                                                             "address": ["", "太仓市沙溪镇***"]}
    assert mask_address("北门街") == "***"
