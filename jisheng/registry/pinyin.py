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


_INITIALS = ("b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "zh", "ch", "sh", "r", "z", "c",
             "s", "y", "w")
_FINALS = ("a", "o", "e", "i", "u", "v", "ai", "ei", "ui", "ao", "ou", "iu", "ie", "ve", "ue", "er", "an", "en",
           "in", "un", "vn", "ang", "eng", "ing", "ong", "ia", "iao", "ian", "iang", "iong", "ua", "uo", "uai",
           "uan", "uang")
#: Every plausible syllable (over-generating is harmless: it only decides how a query is read).
SYLLABLES: frozenset[str] = frozenset({i + f for i in _INITIALS for f in _FINALS} | set(_FINALS))
_SYLLABLE_PREFIXES: frozenset[str] = frozenset(s[:k] for s in SYLLABLES for k in range(1, len(s) + 1))


@lru_cache(maxsize=4096)
def is_pinyin_prefix(text: str) -> bool:
    """True when ``text`` (lower-case letters) reads as whole pinyin syllables followed by a syllable prefix.

    "wangxiao", "lu", "zh" → True (full pinyin being typed); "wxm", "lm", "oynn" → False (initials).
    """
    if not text:
        return False
    ok = [False] * (len(text) + 1)
    ok[0] = True
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - 6), end):
            if ok[start] and text[start:end] in SYLLABLES:
                ok[end] = True
                break
    return any(ok[start] and text[start:] in _SYLLABLE_PREFIXES for start in range(len(text)))
