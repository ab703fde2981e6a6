"""Citizen ID numbers typed with other digits than 0–9 (issue 11, "Bad input and races").

Full-width digits, which Chinese input methods produce, are the same number (NFKC); digits of other scripts
(circled ①, Arabic-Indic ۳, Bengali ৩, mathematical 𝟑, superscript ³) are refused with a message that names the
character — never read as a number by ``int`` (which crashed on ① and silently accepted ۳).
"""

from __future__ import annotations

import datetime as dt

import pytest

from jisheng.core.errors import InvalidInput
from jisheng.core.idnumber import id_number_query, make_id_number, normalise_id_number, validate_id_number

GOOD = "320502199001011234"
FULL_WIDTH = GOOD.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def test_full_width_digits_are_the_same_number() -> None:
    assert validate_id_number(FULL_WIDTH) == GOOD
    assert validate_id_number("３２０５０２　１９９００１０１　１２３４") == GOOD  # ideographic spaces between groups
    assert validate_id_number(FULL_WIDTH[:17] + "４".replace("４", "4")) == GOOD
    assert normalise_id_number("３２０５８５１９９００１０１１２３ｘ") == "32058519900101123X"
    assert id_number_query(FULL_WIDTH) == GOOD


@pytest.mark.parametrize(("digit", "name"), [
    ("①", "circled one"), ("۳", "Arabic-Indic three"), ("৩", "Bengali three"), ("٣", "Arabic three"),
    ("𝟑", "mathematical bold three"), ("³", "superscript three"), ("३", "Devanagari three"),
])
def test_other_unicode_digits_are_refused_naming_the_character(digit: str, name: str) -> None:
    for position in (3, 10, 17):  # address code, birth date, check character
        typed = GOOD[:position] + digit + GOOD[position + 1:]
        with pytest.raises(InvalidInput) as err:
            validate_id_number(typed)
        assert f"“{digit}”" in str(err.value) and "0–9" in str(err.value), name
    legacy = "32058" + digit + "900101123"  # 15 characters: the legacy upgrade must not read it either
    with pytest.raises(InvalidInput, match=digit):
        validate_id_number(legacy)
    # a search term with such a digit is not an ID number (and not the number it looks like)
    assert id_number_query(legacy) == ""
    assert id_number_query(GOOD[:5] + digit + GOOD[6:]) == ""


def test_a_birth_year_before_1800_is_refused() -> None:
    old = make_id_number("320585", dt.date(1799, 12, 31), 123)
    with pytest.raises(InvalidInput, match="1799"):
        validate_id_number(old)
    assert validate_id_number(make_id_number("320585", dt.date(1800, 1, 1), 123)) == make_id_number(
        "320585", dt.date(1800, 1, 1), 123)
