"""Search keys of names (pypinyin): full pinyin and initials, lower case, no spaces; the name without its dots.

Names of several parts (minority names: 阿依古丽·买买提) are written with a middle dot that people type as ·, •,
・, a space or nothing; :data:`NAME_SEPARATORS` are no part of any key, and :func:`plain_name` is what a search
compares when the name has one. A surname read differently as a surname (单 shan, 句 gou, 繁 po, 重 chong…) is keyed
with its surname reading; pypinyin (0.55) has no surname style (asked upstream in mozillazg/python-pinyin#297),
so :data:`_SURNAME_READINGS` is the table. Changing either means re-keying stored names: ``jisheng bootstrap``
does it (:func:`jisheng.registry.services.name_keys_refresh`).
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

#: Characters written between the parts of a name: the middle dot (U+00B7, GB 间隔号) and what is typed for it.
NAME_SEPARATORS = frozenset("·•・‧∙⋅･．. \u3000\u30fb\u2027\u2022\u2219\u22c5\uff0e\u00b7")

#: Surnames whose surname reading differs from the character's most common reading (syllables, no tones), from
#: the surname tables of hotoo/pinyin and overtrue/pinyin (cited in mozillazg/python-pinyin#297).
_SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan",), "曾": ("zeng",), "解": ("xie",), "仇": ("qiu",), "朴": ("piao",), "查": ("zha",),
    "区": ("ou",), "盖": ("ge",), "乐": ("yue",), "覃": ("qin",), "缪": ("miao",), "翟": ("zhai",),
    "种": ("chong",), "秘": ("bi",), "柏": ("bai",), "员": ("yun",), "贠": ("yun",), "句": ("gou",),
    "召": ("shao",), "折": ("she",), "黑": ("he",), "繁": ("po",), "重": ("chong",), "冼": ("xian",),
    "过": ("guo",), "瞿": ("qu",), "佴": ("nai",), "粘": ("nian",), "藏": ("zang",), "都": ("du",),
    "六": ("lu",), "薄": ("bo",), "贾": ("jia",), "盛": ("sheng",), "牟": ("mou",), "乜": ("nie",),
    "阚": ("kan",), "宿": ("su",), "卜": ("bu",), "长": ("zhang",), "能": ("nai",),
    "长孙": ("zhang", "sun"), "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"), "单于": ("chan", "yu"),
    "澹台": ("tan", "tai"), "乐正": ("yue", "zheng"), "仉督": ("zhang", "du"), "子车": ("zi", "ju"),
}


def plain_name(name: str) -> str:
    """``name`` without the separators between its parts (阿依古丽·买买提 → 阿依古丽买买提)."""
    return "".join(ch for ch in (name or "").strip() if ch not in NAME_SEPARATORS)


def has_parts(name: str) -> bool:
    """True when ``name`` is written in parts (holds a separator inside it)."""
    return plain_name(name) != (name or "").strip()


@lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[str, str]:
    """Return ``(full_pinyin, initials)`` of ``name``: 王小明 → ("wangxiaoming", "wxm"); 阿依古丽·买买提 →
    ("ayigulimaimaiti", "ayglmmt").

    Separators are left out; non-Chinese characters are kept lower-cased; the surname uses its surname reading
    when it differs, unless the name is written in parts with a dot (a transliteration has no Han surname).
    """
    name = (name or "").strip()
    text = plain_name(name)
    if not text:
        return "", ""
    syllables: list[str] = []
    rest = text
    if not any(ch in NAME_SEPARATORS for ch in name.replace(" ", "").replace("\u3000", "")):
        for surname in (text[:2], text[:1]):
            if surname in _SURNAME_READINGS and len(text) > len(surname):
                syllables = list(_SURNAME_READINGS[surname])
                rest = text[len(surname):]
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
