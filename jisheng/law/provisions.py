"""The provision catalogue: legal instruments, their versions and provisions, from YAML in the repository.

One file per instrument under ``jisheng/law/data/instruments/<key>.yaml``::

    key: admin-licensing-law
    title: 中华人民共和国行政许可法
    issuer: 全国人民代表大会常务委员会
    level: law                       # see models.InstrumentLevel
    verified: true
    summary: …
    versions:
      - key: admin-licensing-law-2019  # the citation prefix of this text
        label: 2019年修正
        adopted: 2019-04-23
        effective: 2019-04-23
        verified: true
        source: …
        provisions:
          - cite: art-42/para-1        # art-<n>[/para-<p>][/item-<m>]
            title: 许可期限
            summary: …                 # our own paraphrase
            verified: true

A provision's key is ``<version key>/<cite>``, e.g. ``js-pfp-reg-2002/art-22/item-6``. A version is in
force from ``effective`` until the next version's ``effective`` (or the instrument's ``repealed``).
``verified: false`` marks facts from the drafters' knowledge only (legal-facts "UNVERIFIED").

The catalogue is pure (no database) so rules, checks and other apps can validate citation keys anywhere;
``jisheng bootstrap`` mirrors it into the database for browsing and search.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from jisheng.core.errors import InvalidInput

from . import yamlio

DATA_DIR = Path(__file__).resolve().parent / "data" / "instruments"
CITE_RE = re.compile(r"^art-(?P<art>[1-9]\d*)(?:/para-(?P<para>[1-9]\d*))?(?:/item-(?P<item>[1-9]\d*))?$")
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LEVELS = ("law", "admin_regulation", "party_regulation", "department_rule", "local_regulation", "local_rule",
          "normative_document", "judicial_interpretation")


@dataclass(frozen=True)
class ProvisionData:
    """A provision in the catalogue (``key`` = version key + ``/`` + cite)."""

    key: str
    version: str
    article: int
    paragraph: int | None
    item: int | None
    title: str
    summary: str
    verified: bool
    location: str

    @property
    def label(self) -> str:
        """``第22条第6项`` style label."""
        text = f"第{self.article}条"
        if self.paragraph:
            text += f"第{self.paragraph}款"
        if self.item:
            text += f"第{self.item}项"
        return text


@dataclass(frozen=True)
class VersionData:
    key: str
    instrument: str
    label: str
    adopted: dt.date | None
    effective: dt.date | None
    valid_to: dt.date | None
    document_number: str
    note: str
    source: str
    verified: bool
    provisions: tuple[ProvisionData, ...]


@dataclass(frozen=True)
class InstrumentData:
    key: str
    title: str
    short_title: str
    issuer: str
    document_number: str
    level: str
    promulgated: dt.date | None
    effective: dt.date | None
    repealed: dt.date | None
    source: str
    summary: str
    verified: bool
    versions: tuple[VersionData, ...]
    path: str


def _opt_str(path: Path, fields: dict[str, yaml.Node], name: str) -> str:
    return yamlio.string(path, fields[name], name, allow_empty=True) if name in fields else ""


def _opt_date(path: Path, fields: dict[str, yaml.Node], name: str) -> dt.date | None:
    return yamlio.date(path, fields[name], name, allow_null=True) if name in fields else None


def load_instrument_file(path: Path) -> InstrumentData:
    """Read and validate one instrument file; errors name file and line."""
    root = yamlio.compose(path)
    top = yamlio.as_dict(path, root, _("法律文件"), required={"key", "title", "level", "verified", "versions"},
                         allowed={"short_title", "issuer", "document_number", "promulgated", "effective",
                                  "repealed", "source", "summary"})
    key = yamlio.string(path, top["key"], "key")
    if not KEY_RE.match(key) or key != path.stem:
        raise InvalidInput(_("引用键“%(k)s”必须是小写字母、数字和连字符，并与文件名一致。") % {"k": key},
                           location=yamlio.location(path, top["key"]))
    level = yamlio.string(path, top["level"], "level")
    if level not in LEVELS:
        raise InvalidInput(_("未知的效力层级“%(l)s”。") % {"l": level}, location=yamlio.location(path, top["level"]))
    repealed = _opt_date(path, top, "repealed")
    if not isinstance(top["versions"], yaml.SequenceNode) or not top["versions"].value:
        raise InvalidInput(_("versions 必须是非空列表。"), location=yamlio.location(path, top["versions"]))
    raw_versions = []
    for vnode in top["versions"].value:
        v = yamlio.as_dict(path, vnode, _("版本"), required={"key", "label", "verified"},
                           allowed={"adopted", "effective", "document_number", "note", "source", "provisions"})
        vkey = yamlio.string(path, v["key"], "key")
        if not KEY_RE.match(vkey) or not vkey.startswith(key + "-"):
            raise InvalidInput(_("版本引用键“%(v)s”必须以“%(k)s-”开头。") % {"v": vkey, "k": key},
                               location=yamlio.location(path, v["key"]))
        vverified = yamlio.boolean(path, v["verified"], "verified")
        provisions: list[ProvisionData] = []
        seen: set[str] = set()
        pnodes = v.get("provisions")
        if pnodes is not None and not (isinstance(pnodes, yaml.SequenceNode) or yamlio.scalar(path, pnodes) is None):
            raise InvalidInput(_("provisions 必须是列表。"), location=yamlio.location(path, pnodes))
        for pnode in (pnodes.value if isinstance(pnodes, yaml.SequenceNode) else []):
            p = yamlio.as_dict(path, pnode, _("条款"), required={"cite", "summary"}, allowed={"title", "verified"})
            cite = yamlio.string(path, p["cite"], "cite")
            match = CITE_RE.match(cite)
            if not match:
                raise InvalidInput(_("条款引用“%(c)s”必须是 art-<条>[/para-<款>][/item-<项>]。") % {"c": cite},
                                   location=yamlio.location(path, p["cite"]))
            if cite in seen:
                raise InvalidInput(_("重复的条款 %(c)s。") % {"c": cite}, location=yamlio.location(path, p["cite"]))
            seen.add(cite)
            provisions.append(ProvisionData(
                key=f"{vkey}/{cite}", version=vkey, article=int(match["art"]),
                paragraph=int(match["para"]) if match["para"] else None,
                item=int(match["item"]) if match["item"] else None,
                title=_opt_str(path, p, "title"), summary=yamlio.string(path, p["summary"], "summary"),
                verified=yamlio.boolean(path, p["verified"], "verified") if "verified" in p else vverified,
                location=yamlio.location(path, pnode),
            ))
        raw_versions.append((vkey, v, vverified, tuple(provisions), vnode))
    versions: list[VersionData] = []
    for i, (vkey, v, vverified, provisions_t, vnode) in enumerate(raw_versions):
        effective = _opt_date(path, v, "effective")
        following = _opt_date(path, raw_versions[i + 1][1], "effective") if i + 1 < len(raw_versions) else repealed
        if effective and following and following <= effective:
            raise InvalidInput(_("版本必须按施行日期递增排列。"), location=yamlio.location(path, vnode))
        versions.append(VersionData(
            key=vkey, instrument=key, label=yamlio.string(path, v["label"], "label"),
            adopted=_opt_date(path, v, "adopted"), effective=effective, valid_to=following,
            document_number=_opt_str(path, v, "document_number"), note=_opt_str(path, v, "note"),
            source=_opt_str(path, v, "source"), verified=vverified, provisions=provisions_t,
        ))
    return InstrumentData(
        key=key, title=yamlio.string(path, top["title"], "title"), short_title=_opt_str(path, top, "short_title"),
        issuer=_opt_str(path, top, "issuer"), document_number=_opt_str(path, top, "document_number"), level=level,
        promulgated=_opt_date(path, top, "promulgated"),
        effective=_opt_date(path, top, "effective") or versions[0].effective, repealed=repealed,
        source=_opt_str(path, top, "source"), summary=_opt_str(path, top, "summary"),
        verified=yamlio.boolean(path, top["verified"], "verified"), versions=tuple(versions),
        path=yamlio.display_path(path),
    )


def load_instruments(directory: Path | None = None) -> dict[str, InstrumentData]:
    """Load every instrument file; raises :class:`InvalidInput` for the first bad one or a duplicate key."""
    instruments: dict[str, InstrumentData] = {}
    versions: set[str] = set()
    for path in sorted((directory or DATA_DIR).glob("*.yaml")):
        inst = load_instrument_file(path)
        for v in inst.versions:
            if v.key in versions:
                raise InvalidInput(_("重复的版本引用键 %(k)s。") % {"k": v.key}, location=inst.path)
            versions.add(v.key)
        instruments[inst.key] = inst
    return instruments


@functools.cache
def catalogue() -> dict[str, InstrumentData]:
    """Every instrument by key (loaded once per process)."""
    return load_instruments()


@functools.cache
def _provisions() -> dict[str, ProvisionData]:
    return {p.key: p for inst in catalogue().values() for v in inst.versions for p in v.provisions}


@functools.cache
def _versions() -> dict[str, VersionData]:
    return {v.key: v for inst in catalogue().values() for v in inst.versions}


def provision_exists(key: str) -> bool:
    """True when ``key`` names a provision (or a whole instrument version) in the catalogue. No database."""
    return key in _provisions() or key in _versions()


def provision_data(key: str) -> ProvisionData:
    """The catalogue entry of provision ``key``; raises :class:`InvalidInput` when unknown."""
    try:
        return _provisions()[key]
    except KeyError:
        raise InvalidInput(_("未知的条款引用键 %(k)s。") % {"k": key}, location=key) from None


def version_data(key: str) -> VersionData:
    """The catalogue entry of instrument version ``key`` (e.g. ``js-pfp-reg-2002``)."""
    try:
        return _versions()[key]
    except KeyError:
        raise InvalidInput(_("未知的文件版本 %(k)s。") % {"k": key}, location=key) from None


def version_of(key: str) -> VersionData:
    """The version a provision key belongs to (``js-pfp-reg-2002/art-22/item-6`` → ``js-pfp-reg-2002``)."""
    return version_data(key.split("/", 1)[0])


def in_force_state(key: str, on: dt.date) -> bool | None:
    """Whether provision (or version) ``key`` is in force on ``on``: True, False, or None when the catalogue
    cannot tell (its version's dates are not verified yet — ``effective: null``).

    A version is in force from its ``effective`` date (or its adoption) until the next version's or the repeal
    (exclusive). False for an unknown key, a day before a known start or on/after a known end.
    """
    if not provision_exists(key):
        return False
    version = version_of(key)
    inst = catalogue()[version.instrument]
    start = version.effective or version.adopted
    later = [v for v in inst.versions if v.key != version.key
             and inst.versions.index(v) > inst.versions.index(version)]
    end = version.valid_to if (version.valid_to is not None or not later) else None
    if start is not None and on < start:
        return False
    if end is not None and on >= end:
        return False
    if inst.repealed is not None and on >= inst.repealed:
        return False
    if start is None or (end is None and later):
        return None
    return True


def in_force(key: str, on: dt.date) -> bool:
    """True when provision ``key`` is known to be in force on ``on`` (see :func:`in_force_state`)."""
    return in_force_state(key, on) is True


def instrument_of(key: str) -> InstrumentData:
    """The instrument a provision or version key belongs to."""
    return catalogue()[version_of(key).instrument]


def describe(key: str) -> str:
    """A provision in words for people: ``《江苏省人口与计划生育条例》第22条第6项（…）``; the key itself only when it
    is not in the catalogue (never shown for a known provision)."""
    if not provision_exists(key):
        return key
    instrument = instrument_of(key)
    if key in _versions():
        return f"《{instrument.title}》（{version_data(key).label}）"
    p = provision_data(key)
    return f"《{instrument.title}》{p.label}（{p.title}）" if p.title else f"《{instrument.title}》{p.label}"


def provisions_in_force(on: dt.date, query: str = "") -> list[ProvisionData]:
    """Every provision in force on ``on`` — or whose version's dates are not yet verified, so the catalogue
    cannot rule it out (:func:`in_force_state` None) — matching every word of ``query`` (each in the instrument
    title, short title, label, title, summary or key; empty = all), by instrument and article: the pick-list of a
    decision's legal basis."""
    terms = query.lower().split()
    out = []
    for inst in catalogue().values():
        for version in inst.versions:
            if not version.provisions or in_force_state(version.key, on) is False:
                continue
            for p in version.provisions:
                texts = [t.lower() for t in (inst.title, inst.short_title, p.label, p.title, p.summary, p.key)]
                if all(any(term in text for text in texts) for term in terms):
                    out.append(p)
    return sorted(out, key=lambda p: (instrument_of(p.key).title, p.article, p.paragraph or 0, p.item or 0))


def resolve(ref: str, on: dt.date) -> str:
    """The provision key ``ref`` stands for on ``on``: a full key is returned as it is; ``instrument:cite``
    (e.g. ``admin-licensing-law:art-45``) names the article of whichever version of the instrument is in
    force that day, so code that cites "the licensing law's Art. 45" prints the right text for 2013 and 2026.
    Falls back to the newest version having the cite when none is in force on ``on``; returns ``""`` when
    no version has it."""
    if ":" not in ref:
        return ref
    instrument, _sep, cite = ref.partition(":")
    inst = catalogue().get(instrument)
    if inst is None:
        return ""
    having = [v for v in inst.versions if f"{v.key}/{cite}" in _provisions()]
    for version in having:
        if in_force(version.key, on):
            return f"{version.key}/{cite}"
    return f"{having[-1].key}/{cite}" if having else ""


def keys_of(ref: str) -> list[str]:
    """Every catalogue key ``ref`` can stand for (for start-up checks): ``[ref]`` for a full key, each version's
    key for ``instrument:cite``, or ``[ref]`` itself when no version has it (so the check reports it)."""
    if ":" not in ref:
        return [ref]
    instrument, _sep, cite = ref.partition(":")
    inst = catalogue().get(instrument)
    found = [f"{v.key}/{cite}" for v in (inst.versions if inst else ()) if f"{v.key}/{cite}" in _provisions()]
    return found or [ref]
