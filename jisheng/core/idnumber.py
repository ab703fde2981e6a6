"""Citizen ID numbers (公民身份号码, GB 11643-1999): normalise, validate, upgrade legacy 15-digit numbers.

Structure: 6-digit address code + 8-digit birth date YYYYMMDD + 3-digit sequence (odd = male) + check
character (ISO 7064 MOD 11-2). The address code is the registration county when the number was assigned;
it never changes and obsolete codes are normal, so it is never a reason to reject (legal-facts §9.1).
Messages are Chinese for users; the English meaning is given in each docstring.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext as _

from . import clock
from .errors import InvalidInput

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
#: The earliest birth year an ID number may encode (no living person, or record, is older).
EARLIEST_YEAR = 1800
#: Separators people type between the groups of a number (after NFKC: full-width forms are ASCII by then).
_SEPARATORS = frozenset("-‐‑–—'\"")
_DIGITS = re.compile(r"[0-9]+")
_NUMBER_18 = re.compile(r"[0-9]{17}[0-9X]")
_NUMBER_15 = re.compile(r"[0-9]{15}")


def _is_full_width_form(ch: str) -> bool:
    """True for the full-width forms of ASCII (０–９, Ｘ, －, …) and the ideographic space, which Chinese input
    methods produce and NFKC folds to ASCII."""
    return "\uff01" <= ch <= "\uff5e" or ch == "\u3000"


def foreign_digits(value: str) -> str:
    """The characters of ``value`` that are digits or numerals of another script — not ASCII 0–9 and not their
    full-width forms (circled ①, Arabic-Indic ۳, Bengali ৩, superscript ³, mathematical 𝟑…), in order, once each."""
    found = [ch for ch in str(value or "") if not ch.isascii() and not _is_full_width_form(ch)
             and unicodedata.category(ch).startswith("N")]
    return "".join(dict.fromkeys(found))


def check_character(first17: str) -> str:
    """Return the check character ("0"–"9" or "X") for the first 17 digits (ASCII 0–9 only).

    Raises:
        InvalidInput: ``first17`` is not 17 ASCII digits (``int`` would read ``۳`` as 3 and crash on ``①``).
    """
    if len(first17) != 17 or not _DIGITS.fullmatch(first17):
        raise InvalidInput(_("身份证号前 17 位应为数字"))
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalise_id_number(value: str) -> str:
    """Return ``value`` NFKC-normalised — full-width digits and letters (which Chinese input methods produce) made
    ASCII — without spaces or hyphens, and with a lower-case x made X.

    Digits of other scripts (:func:`foreign_digits`) are kept as typed, never folded into 0–9 (NFKC would turn
    ① into 1), so the result is not a number and :func:`validate_id_number` refuses it naming the character.
    Does not validate; an empty result means no number was given.
    """
    text = "".join(unicodedata.normalize("NFKC", ch) if _is_full_width_form(ch) else ch for ch in str(value or ""))
    text = "".join(ch for ch in text if not ch.isspace() and ch not in _SEPARATORS)
    return text.upper()


def id_number_query(text: str) -> str:
    """The 18-character ID number ``text`` stands for — normalised (:func:`normalise_id_number`) and a legacy
    15-digit number upgraded — or ``""`` when ``text`` is not a whole ID number written with 0–9 (a search term, a
    picker's box, a lookup field). Does not check the date or the check character."""
    number = normalise_id_number(text)
    if _NUMBER_15.fullmatch(number):
        return upgrade_15_to_18(number)
    if _NUMBER_18.fullmatch(number):
        return number
    return ""


def _refuse_foreign_digits(value: str) -> None:
    foreign = foreign_digits(value)
    if foreign:
        raise InvalidInput(_("身份证号含有非标准数字“%(chars)s”，请用 0–9 输入") % {"chars": "”“".join(foreign)})


def upgrade_15_to_18(value: str) -> str:
    """Convert a legacy 15-digit number (6 address + YYMMDD of 19YY + 3 sequence) to 18 characters.

    Deterministic: inserts "19" before the two-digit year and appends the check character.

    Raises:
        InvalidInput: ``value`` is not 15 digits ("15 位身份证号应全部为数字" — a 15-digit number must be all digits).
    """
    _refuse_foreign_digits(value)
    value = normalise_id_number(value)
    if not _NUMBER_15.fullmatch(value):
        raise InvalidInput("15 位身份证号应全部为数字")
    first17 = value[:6] + "19" + value[6:]
    return first17 + check_character(first17)


def birth_date_of(value: str) -> dt.date | None:
    """Return the birth date encoded in an 18-character number, or None if it is not a real date."""
    if not _DIGITS.fullmatch(value[6:14]):
        return None
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def sex_of(value: str) -> str:
    """Return "M" or "F" from the sequence code (odd = male) of a validated 18-character number."""
    return "M" if value[16] in "13579" else "F"


def looks_like_excel_number(raw: str) -> bool:
    """True when ``raw`` looks like an ID number Excel turned into a number (e.g. ``4.40981E+17``)."""
    text = str(raw).strip().upper().replace(" ", "")
    if "E+" in text or "E17" in text:
        mantissa = text.split("E")[0]
        return bool(_DIGITS.fullmatch(mantissa.replace(".", "", 1).replace("-", "", 1)))
    # a float rendering such as "440981199001011000.0"
    return text.endswith(".0") and bool(_DIGITS.fullmatch(text[:-2])) and len(text[:-2]) in (15, 18)


def validate_id_number(value: str, birth_date: dt.date | None = None, *, today: dt.date | None = None) -> str:
    """Normalise and validate a citizen ID number; return the 18-character form.

    Accepts 18-character numbers and legacy 15-digit ones (upgraded), typed with ASCII or full-width digits
    (:func:`normalise_id_number`). Checks, in order: Excel scientific notation, digits of another script,
    length and characters, the birth date (a real date from :data:`EARLIEST_YEAR`, not in the future, equal to
    ``birth_date`` when given) and the check character. The address code is never checked.

    Raises:
        InvalidInput with one of (English meaning in brackets):
        - "身份证号为空" (empty),
        - "身份证号被 Excel 转成了数字（科学计数法），请将该列设为文本后重新导出" (Excel turned it into a number),
        - "身份证号含有非标准数字“①”，请用 0–9 输入" (a digit of another script, named),
        - "身份证号应为 18 位，实际 N 位" (should be 18 characters, got N),
        - "身份证号前 17 位应为数字" / "身份证号最后一位应为数字或 X" (bad characters),
        - "身份证号中的出生日期 YYYYMMDD 不是有效日期" (birth date is not a real date),
        - "身份证号中的出生年份 1799 早于 1800 年" (a birth year before 1800),
        - "身份证号中的出生日期晚于今天" (birth date in the future),
        - "身份证号中的出生日期 A 与出生日期 B 不一致" (differs from the given birth date),
        - "校验码应为 7" (the check digit should be 7).
    """
    raw = str(value or "")
    if looks_like_excel_number(raw):
        raise InvalidInput("身份证号被 Excel 转成了数字（科学计数法），请将该列设为文本后重新导出")
    _refuse_foreign_digits(raw)
    number = normalise_id_number(raw)
    if not number:
        raise InvalidInput("身份证号为空")
    if len(number) == 15:
        if not _NUMBER_15.fullmatch(number):
            raise InvalidInput("15 位身份证号应全部为数字")
        number = upgrade_15_to_18(number)
    if len(number) != 18:
        raise InvalidInput(f"身份证号应为 18 位，实际 {len(number)} 位")
    if not _DIGITS.fullmatch(number[:17]):
        raise InvalidInput("身份证号前 17 位应为数字")
    if number[17] not in "0123456789X":
        raise InvalidInput("身份证号最后一位应为数字或 X")
    born = birth_date_of(number)
    if born is None:
        raise InvalidInput(f"身份证号中的出生日期 {number[6:14]} 不是有效日期")
    if born.year < EARLIEST_YEAR:
        raise InvalidInput(_("身份证号中的出生年份 %(year)s 早于 %(earliest)s 年") % {
            "year": born.year, "earliest": EARLIEST_YEAR})
    if born > (today or clock.today()):
        raise InvalidInput("身份证号中的出生日期晚于今天")
    if birth_date is not None and born != birth_date:
        raise InvalidInput(f"身份证号中的出生日期 {born.isoformat()} 与出生日期 {birth_date.isoformat()} 不一致")
    expected = check_character(number[:17])
    if number[17] != expected:
        raise InvalidInput(f"校验码应为 {expected}")
    return number


def make_id_number(address_code: str, birth_date: dt.date, sequence: int) -> str:
    """Build a valid 18-character number from an address code, birth date and 3-digit sequence (0–999)."""
    first17 = f"{address_code[:6]}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
