"""Pinyin keys of names for prefix search (pypinyin): full pinyin and initials, lower case, no spaces."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

#: Surnames whose surname reading differs from the character's most common reading (syllables).
_SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan",), "曾": ("zeng",), "解": ("xie",), "仇": ("qiu",), "朴": ("piao",), "查": ("zha",),
    "区": ("ou",), "盖": ("ge",), "乐": ("yue",), "覃": ("qin",), "缪": ("miao",), "翟": ("zhai",),
    "种": ("chong",), "秘": ("bi",), "柏": ("bai",), "员": ("yun",), "长孙": ("zhang", "sun"),
    "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"),
}


@lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[str, str]:
    """Return ``(full_pinyin, initials)`` of ``name``: 王小明 → ("wangxiaoming", "wxm").

    Non-Chinese characters are kept lower-cased; the surname uses its surname reading when it differs.
    """
    name = (name or "").strip()
    if not name:
        return "", ""
    syllables: list[str] = []
    rest = name
    for surname in (name[:2], name[:1]):
        if surname in _SURNAME_READINGS and len(name) > len(surname):
            syllables = list(_SURNAME_READINGS[surname])
            rest = name[len(surname):]
            break
    syllables += [s.lower() for s in lazy_pinyin(rest, style=Style.NORMAL, errors="default") if s.strip()]
    syllables = [s.replace("ü", "v").replace(" ", "") for s in syllables]
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables if s)
    return full[:255], initials[:64]
