"""Fill the translation catalogues after `makemessages`.

- English: msgstr from jisheng/locale/en.yaml (msgid → English; a plural entry takes a [singular, plural]
  list); missing entries stay empty (the UI then shows the Simplified Chinese text) and are listed, and
  msgmerge's fuzzy guesses for entries not in the dictionary are cleared.
- Traditional Chinese: msgstr converted from the msgid with OpenCC, characters only (s2tw: Taiwan standard
  characters). Not s2twp: its IT-vocabulary phrase table turns 社区 into 社群, 审核 into 稽核, 参数 into 引数,
  代码 into 程式碼, 对象 into 物件 and 法律文件 into 法律檔案, all wrong in this domain.
Then `jisheng compilemessages` writes the .mo files (committed, so a fresh machine needs no gettext).
"""

from __future__ import annotations

from pathlib import Path

import opencc
import polib
import yaml

LOCALE = Path(__file__).resolve().parent.parent / "jisheng" / "locale"


def main() -> None:
    english = yaml.safe_load((LOCALE / "en.yaml").read_text("utf-8")) or {}
    en = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    missing = []
    for entry in en:
        if entry.msgid in english:
            value = english[entry.msgid]
            if entry.msgid_plural:
                # A plural entry takes a [singular, plural] list (or one string used for both forms).
                forms = [str(v) for v in value] if isinstance(value, list) else [str(value)] * 2
                entry.msgstr_plural = dict(enumerate(forms))
            else:
                entry.msgstr = str(value)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        else:
            if "fuzzy" in entry.flags:
                # msgmerge's guess from a similar msgid is usually wrong: drop it, count the entry as missing.
                entry.flags.remove("fuzzy")
                entry.msgstr = ""
                entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
            if not (entry.msgstr or any(entry.msgstr_plural.values())):
                missing.append(entry.msgid)
    en.save()
    converter = opencc.OpenCC("s2tw")
    hant = polib.pofile(str(LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"))
    for entry in hant:
        entry.msgstr = converter.convert(entry.msgid)
        if entry.msgid_plural:
            entry.msgstr_plural = {0: converter.convert(entry.msgid_plural)}
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    hant.save()
    print(f"en: {len(en) - len(missing)}/{len(en)} translated; zh_Hant: {len(hant)} converted")
    if missing:
        print(f"{len(missing)} untranslated (add to jisheng/locale/en.yaml):", *missing[:20], sep="\n  ")


if __name__ == "__main__":
    main()
