"""The one masking policy for personal data that leaves the staff UI (contract §3).

- names: the surname is kept (compound surnames such as 欧阳 from :data:`COMPOUND_SURNAMES`), every
  character of the given name becomes ``*`` (李明 → 李*, 王小明 → 王**, 欧阳娜娜 → 欧阳**);
- ID numbers: first 6 and last 4 kept (320585199001011234 → 320585********1234; 15-digit: 6 + 5* + 4);
- phone numbers: first 3 and last 4 kept (13800138000 → 138****8000);
- free text and file names: ID numbers and mobile numbers found anywhere are masked, and so is every
  occurrence of the names passed in ``names`` (the people the text is about).

Public pages, exports for publication, disclosure documents, logs and error files all use this module.
"""

from __future__ import annotations

import re
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
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])|(?<!\d)(\d{6})(\d{5})(\d{4})(?!\d)")
# Mobile numbers as people write them in free text: 13800138000, 138 0013 8000, 138-0013-8000, +8613800138000.
_PHONE_RE = re.compile(r"(?:(?<!\d)|(?<=\+86))(1[3-9]\d)([ -]?)(\d{4})(\2)(\d{4})(?!\d)")


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
    """Mask ID numbers, mobile numbers and every occurrence of ``names`` in free ``text`` (or a file name)."""
    if not text:
        return text or ""

    def _id(m: re.Match[str]) -> str:
        return mask_id_number(m.group(0))

    out = _ID_RE.sub(_id, text)
    out = _PHONE_RE.sub(lambda m: m.group(1) + m.group(2) + MASK * 4 + m.group(4) + m.group(5), out)
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        if len(name) >= 2:
            out = out.replace(name, mask_name(name))
    return out


#: Field names whose values are personal identifiers wherever they appear in recorded data.
_FIELD_MASKS = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "bank_account": mask_bank_account,
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
