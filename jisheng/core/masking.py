"""The one masking policy for personal data that leaves the staff UI (contract §3).

- names: the surname is kept (compound surnames such as 欧阳 from :data:`COMPOUND_SURNAMES`), every
  character of the given name becomes ``*`` (李明 → 李*, 王小明 → 王**, 欧阳娜娜 → 欧阳**);
- ID numbers: first 6 and last 4 kept (320585199001011234 → 320585********1234; 15-digit: 6 + 5* + 4);
- phone numbers: first 3 and last 4 kept (13800138000 → 138****8000);
- free text and file names (:func:`mask_text`): every ID number, mobile and landline found anywhere, however
  written — spaces, dashes or dots between the digits, +86/0086/86 in front, full-width digits, glued to
  letters — is masked where it stands (ID: first 6 and last 4 kept; mobile: first 3 and last 4; landline: the
  area code and the last 4, 0512-****9247), and so is every occurrence of the names passed in ``names`` (the
  people the text is about).

Public pages, exports for publication, disclosure documents, logs and error files all use this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

#: Two-character surnames (复姓) kept whole when masking. Common ones first; extend as needed.
COMPOUND_SURNAMES: frozenset[str] = frozenset({
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯",
    "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "万俟", "闻人", "赫连",
    "申屠", "太史", "淳于", "司空", "濮阳", "公冶", "宗政", "仲孙", "东郭", "拓跋", "第五", "左丘",
    "亓官", "公羊", "梁丘", "鲜于", "羊舌", "段干", "谷梁", "巫马", "公西", "漆雕", "乐正", "壤驷", "公良",
    "子车", "颛孙", "东门", "微生", "夹谷", "宰父", "司寇", "闾丘", "南门",
})

MASK = "*"


def _digits(*parts: str) -> str:
    """A regular expression of single-digit ``parts`` with an optional separator between any two of them."""
    return _SEP.join(parts)


#: What people write between the digits of one number: one or two spaces, or a dash, dot or slash (spaced or not).
#: Patterns run over :func:`_shadow`, where full-width forms, other dashes and spaces are ASCII already.
_SEP = r"(?: {1,2}| ?[-./] ?)?"
_D = "[0-9]"
_YEAR = rf"(?:1{_SEP}[89]|2{_SEP}0){_SEP}{_D}{_SEP}{_D}"
_MONTH = rf"(?:0{_SEP}[1-9]|1{_SEP}[0-2])"
_DAY = rf"(?:0{_SEP}[1-9]|[12]{_SEP}{_D}|3{_SEP}[01])"
#: ID numbers: 6 address digits, a birth date (18: YYYYMMDD from 1800; legacy 15: YYMMDD), the sequence and check.
_ID_RE = re.compile(
    rf"(?<![0-9])(?:{_digits(*[_D] * 6, _YEAR, _MONTH, _DAY, *[_D] * 3, '[0-9Xx]')}"
    rf"|{_digits(*[_D] * 6, _D, _D, _MONTH, _DAY, *[_D] * 3)})(?![0-9])")
#: Mobile numbers (1[3-9] and 9 more digits), with +86, 0086 or 86 in front or not.
_MOBILE_RE = re.compile(
    rf"(?<![0-9])(?:(?:\+ ?|00 ?)?86{_SEP})?(?P<number>{_digits('1', '[3-9]', *[_D] * 9)})(?![0-9])")
#: Landlines: an area code (010, 02x, 0xxx; without the 0 after +86), in brackets or not, and a 7- or 8-digit number.
_LANDLINE_RE = re.compile(
    rf"(?<![0-9])(?:(?:\+ ?|00 ?)?86{_SEP}\(?(?:10|2[0-9]|[3-9][0-9]{{2}})\)?|\(?0(?:10|2[0-9]|[3-9][0-9]{{2}})\)?)"
    rf"{_SEP}(?P<number>[2-9](?:{_SEP}{_D}){{6,7}})(?![0-9])")


def _shadow(text: str) -> str:
    """``text`` with one ASCII stand-in per character where it matters for finding numbers: full-width forms
    (０–９, ＋, －, （, ）) as ASCII, every other digit (۳, ৩, ①) as its 0–9 value, dashes as ``-`` and spaces as
    `` `` — the same length, so a match's positions are positions in ``text``."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append(" " if ch in "\t" else ch)
        elif "\uff01" <= ch <= "\uff5e":
            out.append(unicodedata.normalize("NFKC", ch))
        elif ch.isspace():
            out.append(" ")
        elif ch in "‐‑‒–—―−":
            out.append("-")
        else:
            value = unicodedata.digit(ch, None)
            out.append(str(value) if value is not None else ch)
    return "".join(out)


def _mask_numbers(text: str) -> str:
    """Mask every ID number, mobile and landline in ``text`` where it stands (contract §3)."""
    chars = list(text)
    shadow = _shadow(text)

    def hide(positions: Iterable[int]) -> None:
        nonlocal shadow
        for i in positions:
            chars[i] = MASK
        shadow = "".join(MASK if c == MASK else s for c, s in zip(chars, shadow, strict=True))

    def digits(match: re.Match[str], group: int | str = 0) -> list[int]:
        start, end = match.span(group)
        return [i for i in range(start, end) if shadow[i] in "0123456789Xx"]

    hide(i for m in _ID_RE.finditer(shadow) for i in digits(m)[6:-4])
    hide(i for m in _MOBILE_RE.finditer(shadow) for i in digits(m, "number")[3:7])
    hide(i for m in _LANDLINE_RE.finditer(shadow) for i in digits(m, "number")[:-4])
    return "".join(chars)


def surname_of(name: str) -> str:
    """Return the surname part of a Chinese ``name`` (compound surnames recognised)."""
    name = name.strip()
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[:1]


def mask_name(name: str) -> str:
    """Mask a personal name: keep the surname, replace each given-name character by ``*``.

    A one-character name is returned as ``*``. Names in Latin letters keep the first letter.
    """
    name = (name or "").strip()
    if not name:
        return ""
    if len(name) == 1:
        return MASK
    if name.isascii():
        parts = name.split()
        return " ".join(p[0] + MASK * (len(p) - 1) for p in parts)
    surname = surname_of(name)
    return surname + MASK * (len(name) - len(surname))


def mask_id_number(value: str) -> str:
    """Mask a citizen ID number: keep the first 6 and the last 4 characters.

    Values shorter than 11 characters are masked entirely except the first 2.
    """
    value = (value or "").strip()
    if len(value) < 11:
        return value[:2] + MASK * max(len(value) - 2, 0)
    return value[:6] + MASK * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """Mask a phone number: keep the first 3 and the last 4 digits (shorter values: last 2 only)."""
    value = (value or "").strip()
    if len(value) < 8:
        return MASK * max(len(value) - 2, 0) + value[-2:]
    return value[:3] + MASK * (len(value) - 7) + value[-4:]


def mask_bank_account(value: str) -> str:
    """Mask a bank account number: keep the last 4 digits."""
    value = (value or "").replace(" ", "")
    return MASK * max(len(value) - 4, 0) + value[-4:]


def mask_text(text: str, *, names: Iterable[str] = ()) -> str:
    """Mask ID numbers, mobiles and landlines however written, and every occurrence of ``names``, in free ``text``
    (or a file name); see the module docstring for what is kept of each."""
    if not text:
        return text or ""
    out = _mask_numbers(text)
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        if len(name) >= 2:
            out = out.replace(name, mask_name(name))
    return out


def mask_address(value: str) -> str:
    """A home address: its first 6 characters (province and city or county, e.g. ``江苏省太仓市``) kept, the rest
    masked — ``江苏省太仓市城厢镇北门街12号`` → ``江苏省太仓市***``; 6 characters or fewer → all masked."""
    value = value.strip()
    if not value:
        return value
    return (value[:6] if len(value) > 6 else "") + MASK * 3


#: Field names whose values are personal identifiers wherever they appear in recorded data.
_FIELD_MASKS = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "bank_account": mask_bank_account,
    "address": mask_address,
    "petitioner_address": mask_address,
}
#: Fields that hold a person's name in these record types (an area's ``name`` is not personal).
_PERSON_TYPES_PREFIX = ("registry.", "benefits.enrolment", "cases.caseapplicant")
_NAME_FIELDS = {"name", "payee_name", "spouse_name", "account_name", "name_pinyin", "name_initials"}


def mask_record(data: object, *, object_type: str = "") -> object:
    """Return a masked copy of recorded data (audit before/after, snapshots) for display.

    ``data`` is any JSON-shaped value. Values of ID-number, phone and bank-account fields are masked by
    field; names are masked for person-like ``object_type`` values; every other string goes through
    :func:`mask_text`, so identifiers in free text are caught too. Diffs (``[before, after]`` lists) keep
    their shape.
    """
    personal = object_type.startswith(_PERSON_TYPES_PREFIX)

    def walk(value: object, key: str = "") -> object:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if not isinstance(value, str) or not value:
            return value
        if key in _FIELD_MASKS:
            return _FIELD_MASKS[key](value)
        if personal and key in _NAME_FIELDS:
            return mask_name(value) if key in ("name", "payee_name", "spouse_name", "account_name") \
                else MASK * len(value)
        return mask_text(value)

    return walk(data)
