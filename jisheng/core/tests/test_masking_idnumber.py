"""Contract §3 masking and legal-facts §9 citizen ID numbers."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from jisheng.core.errors import InvalidInput
from jisheng.core.idnumber import (
    check_character,
    make_id_number,
    normalise_id_number,
    upgrade_15_to_18,
    validate_id_number,
)
from jisheng.core.masking import mask_id_number, mask_name, mask_phone, mask_text


@pytest.mark.parametrize("value,expected", [
    ("李明", "李*"), ("王小明", "王**"), ("欧阳娜娜", "欧阳**"), ("司马光", "司马*"), ("诸葛亮", "诸葛*"),
    ("上官婉儿", "上官**"), ("欧阳", "欧*"), ("李", "*"), ("", ""),
])
def test_mask_name(value, expected):
    assert mask_name(value) == expected


def test_contract_table_and_command():
    assert mask_id_number("320585199001011234") == "320585********1234"
    assert mask_phone("13800138000") == "138****8000"
    for kind, value, expected in [("name", "欧阳娜娜", "欧阳**"), ("id", "320585199001011234", "320585********1234"),
                                  ("phone", "13800138000", "138****8000")]:
        out = io.StringIO()
        call_command("mask", "--kind", kind, value, stdout=out)
        assert out.getvalue().strip() == expected
    out = io.StringIO()
    call_command("mask", "--kind", "text", "--names", "王小明", "王小明（320585199001011234，13800138000）", stdout=out)
    assert out.getvalue().strip() == "王**（320585********1234，138****8000）"


def test_mask_text_finds_numbers_in_file_names_and_legacy_ids():
    assert mask_text("陆建华_32058519900101123X_回执.pdf", names=["陆建华"]) == "陆**_320585********123X_回执.pdf"
    assert mask_text("旧号 320585900101123 电话 021-5555") == "旧号 320585*****1123 电话 021-5555"
    assert mask_text("订单 12345678901234567890") == "订单 12345678901234567890"


def test_validate_id_number_messages():
    good = "320502199001011234"
    assert validate_id_number(" 3205 0219 9001 0112 34 ") == good
    assert validate_id_number("３２０５０２１９９００１０１１２３４") == good
    assert normalise_id_number("32058519900101123x") == "32058519900101123X"
    with pytest.raises(InvalidInput, match=r"^校验码应为 4$"):
        validate_id_number("320502199001011235")
    with pytest.raises(InvalidInput, match="应为 18 位，实际 17 位"):
        validate_id_number("32050219900101123")
    with pytest.raises(InvalidInput, match="不是有效日期"):
        validate_id_number("320502199002301234")
    with pytest.raises(InvalidInput, match="晚于今天"):
        validate_id_number(make_id_number("320585", dt.date(2030, 1, 1), 1), today=dt.date(2026, 1, 1))
    with pytest.raises(InvalidInput, match="与出生日期 1990-01-02 不一致"):
        validate_id_number(good, dt.date(1990, 1, 2))
    with pytest.raises(InvalidInput, match="Excel"):
        validate_id_number("4.40981E+17")
    # obsolete and unknown address codes are never a reason to reject
    for number in ("320581197001011230", "320508199001011240", "360426199101010071", "320571199001011232"[:17]):
        number = number[:17] + check_character(number[:17])
        assert validate_id_number(number) == number


def test_upgrade_15_to_18_is_deterministic():
    assert upgrade_15_to_18("320502900101123") == "320502199001011234"
    assert validate_id_number("320502900101123") == "320502199001011234"


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)), st.integers(0, 999),
       st.integers(0, 16), st.integers(1, 9))
def test_a_single_changed_digit_is_always_caught(born, seq, pos, delta):
    number = make_id_number("320585", born, seq)
    assert validate_id_number(number, today=dt.date(2026, 1, 1)) == number
    digits = list(number)
    digits[pos] = str((int(digits[pos]) + delta) % 10)
    changed = "".join(digits)
    with pytest.raises(InvalidInput):
        validate_id_number(changed, born, today=dt.date(2026, 1, 1))


@pytest.mark.parametrize(("text", "masked"), [
    ("电话13800138000", "电话138****8000"),
    ("手机 138 0013 8000。", "手机 138 **** 8000。"),
    ("手机138-0013-8000", "手机138-****-8000"),
    ("+8613800138000", "+86138****8000"),
    ("单号 1380013800099", "单号 1380013800099"),  # part of a longer number: left alone
    ("座机0512-53531234", "座机0512-****1234"),  # contract §3: a landline keeps its area code and last four
])
def test_mask_text_finds_mobile_numbers_written_with_spaces_dashes_or_country_code(text: str, masked: str) -> None:
    """Regression: petitions and notes write mobiles as 138 0013 8000 or +86…; those went out unmasked."""
    assert mask_text(text) == masked
