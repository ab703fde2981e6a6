"""The fonts official documents are printed with: vendored, pinned, the same on every machine (docs/adr/0044).

Documents never use whatever fonts a machine happens to have. ``data/fonts.json`` pins three open font
packages from the npm registry (Noto Serif SC, Noto Sans SC, LXGW WenKai) by version and integrity hash;
``jisheng fonts fetch`` (run by ``make run`` and ``make test``) downloads them once into
``settings.JISHENG_FONT_DIR`` and verifies every file. The PDF renderer registers them with WeasyPrint through
``@font-face`` (:func:`font_face_css`) under family names of their own, so an installed system font of the same
name can never take their place:

========================  ======  ==========================================
family                    weight  used for (GB/T 9704-2012 name)
========================  ======  ==========================================
``Jisheng Serif``         400     tables, page numbers, fallback (宋体)
``Jisheng Serif``         700     issuer mark and title (小标宋)
``Jisheng Sans``          700     first-level headings (黑体)
``Jisheng Kai``           400     body text (仿宋/楷体 substitute)
========================  ======  ==========================================

The system check ``core.E002`` refuses to start while a file is missing or changed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

MANIFEST = Path(__file__).resolve().parent / "data" / "fonts.json"
_PIECE_URL = re.compile(r"url\('\./files/([A-Za-z0-9_.-]+)'\)")


class FontError(Exception):
    """A vendored font is missing, changed, or could not be fetched; the message says which and what to run."""


def manifest() -> dict[str, Any]:
    """The parsed ``data/fonts.json``: ``{"packages": [...], "families": [...]}``."""
    return json.loads(MANIFEST.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def font_dir() -> Path:
    """Where the fonts live: ``settings.JISHENG_FONT_DIR`` (env ``JISHENG_FONT_DIR``), default ``vendor/fonts``."""
    from django.conf import settings

    return Path(settings.JISHENG_FONT_DIR)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _targets(package: dict[str, Any]) -> list[tuple[str, str | None]]:
    """``(file name in the font directory, pinned SHA-256 or None)`` of every file a package provides."""
    out = [(spec["to"], spec.get("sha256")) for spec in package["files"].values()]
    if "merge" in package:
        out.append((package["merge"]["to"], package["merge"]["sha256"]))
    return out


def problems(directory: Path | None = None, *, full: bool = True) -> list[str]:
    """What is wrong with the vendored fonts in ``directory``: ``["missing PATH" | "changed PATH …"]``, or empty.

    ``full`` hashes every pinned file (SHA-256, about 0.2 s for the 50 MB); otherwise only presence and size
    are checked (the start-up check, which must stay fast).
    """
    root = directory or font_dir()
    out: list[str] = []
    for package in manifest()["packages"]:
        for name, pinned in _targets(package):
            path = root / name
            if not path.is_file() or path.stat().st_size == 0:
                out.append(f"missing {path}")
            elif full and pinned and _sha256(path) != pinned:
                out.append(f"changed {path} (its SHA-256 differs from {MANIFEST.name})")
    return out


def _verify_integrity(path: Path, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    digest = hashlib.new(algorithm)
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    if base64.b64encode(digest.digest()).decode() != expected:
        raise FontError(f"{path.name}: the download does not match the pinned integrity {integrity[:20]}…")


def _download(url: str, to: Path) -> None:
    if not url.startswith("https://registry.npmjs.org/"):
        raise FontError(f"{url}: fonts come from the npm registry only")
    request = urllib.request.Request(url, headers={"User-Agent": "jisheng-fonts"})  # noqa: S310 (checked above)
    with urllib.request.urlopen(request, timeout=300) as response, to.open("wb") as out:  # noqa: S310
        shutil.copyfileobj(response, out, 1 << 20)


def _install(data: bytes, destination: Path, pinned: str | None, label: str) -> None:
    """Write ``data`` next to ``destination``, check its pin, then rename it into place (never half a file)."""
    if pinned and hashlib.sha256(data).hexdigest() != pinned:
        raise FontError(f"{label}: {destination.name} does not match its pinned SHA-256 in {MANIFEST.name}")
    partial = destination.with_name(destination.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, destination)


def merge_pieces(stylesheet: str, read: Any) -> bytes:
    """One TrueType font from the pieces of a split web font, in the order its ``stylesheet`` lists them.

    ``read(name)`` returns a piece's bytes (WOFF2). The merged font keeps the first piece's timestamps, so the
    same pieces always give the same bytes (fontTools would stamp the time of the merge).
    """
    from fontTools.merge import Merger, Options
    from fontTools.ttLib import TTFont

    pieces = []
    stamps: tuple[int, int] | None = None
    for name in _PIECE_URL.findall(stylesheet):
        font = TTFont(io.BytesIO(read(name)), recalcTimestamp=False)
        stamps = stamps or (font["head"].created, font["head"].modified)
        font.flavor = None
        buffer = io.BytesIO()
        font.save(buffer)
        buffer.seek(0)
        pieces.append(buffer)
    if stamps is None:
        raise FontError("the stylesheet lists no font pieces")
    merged = Merger(options=Options(drop_tables=["vhea", "vmtx"])).merge(pieces)
    merged["head"].created, merged["head"].modified = stamps
    merged.recalcTimestamp = False
    out = io.BytesIO()
    merged.save(out)
    return out.getvalue()


def fetch(directory: Path | None = None, *, log: Any = print) -> int:
    """Download and verify every pinned package that is not already complete in ``directory``.

    Returns the number of packages fetched (0 when all were present and unchanged). Each package is
    downloaded to a temporary file and checked against its npm integrity hash; each file is checked against its
    SHA-256 and renamed into place, so an interrupted fetch leaves complete files only. The first fetch takes
    about a minute (150 MB of downloads; merging LXGW WenKai's pieces takes about 25 s).

    Raises :class:`FontError` when a download fails or a file does not match its pin.
    """
    root = directory or font_dir()
    root.mkdir(parents=True, exist_ok=True)
    fetched = 0
    for package in manifest()["packages"]:
        label = f"{package['name']}@{package['version']}"
        if not any(problems_of_package(root, package)):
            continue
        log(f"fonts: fetching {label} from the npm registry")
        with tempfile.TemporaryDirectory(dir=root) as tmp:
            tarball = Path(tmp) / "package.tgz"
            try:
                _download(package["tarball"], tarball)
            except OSError as exc:
                raise FontError(f"{label}: download failed ({exc}); check access to registry.npmjs.org") from exc
            _verify_integrity(tarball, package["integrity"])
            with tarfile.open(tarball, "r:gz") as archive:
                _unpack(archive, package, root, label, log)
        fetched += 1
    remaining = problems(root)
    if remaining:
        raise FontError("; ".join(remaining))
    return fetched


def _unpack(archive: tarfile.TarFile, package: dict[str, Any], root: Path, label: str, log: Any) -> None:
    members = {m.name: m for m in archive.getmembers() if m.isfile()}

    def read(name: str) -> bytes:
        if name not in members:
            raise FontError(f"{label}: {name} is not in the package")
        handle = archive.extractfile(members[name])
        assert handle is not None
        return handle.read()

    for name, spec in package["files"].items():
        _install(read(name), root / spec["to"], spec.get("sha256"), label)
    if "merge" in package:
        merge = package["merge"]
        css = read(merge["stylesheet"])
        if hashlib.sha256(css).hexdigest() != merge["stylesheet_sha256"]:
            raise FontError(f"{label}: {merge['stylesheet']} does not match its pinned SHA-256")
        log(f"fonts: merging the pieces of {label} into {merge['to']}")
        merged = merge_pieces(css.decode("utf-8"), lambda n: read(merge["pieces"] + n))
        _install(merged, root / merge["to"], merge["sha256"], label)


def problems_of_package(root: Path, package: dict[str, Any]) -> list[str]:
    """``problems`` for one package (full hashes): what a fetch of it would repair."""
    out = []
    for name, pinned in _targets(package):
        path = root / name
        if not path.is_file():
            out.append(f"missing {path}")
        elif pinned and _sha256(path) != pinned:
            out.append(f"changed {path}")
    return out


@dataclass(frozen=True)
class Face:
    """One ``@font-face``: ``family``, CSS ``weight`` (400/700) and the file URL."""

    family: str
    weight: int
    url: str

    def css(self) -> str:
        """The ``@font-face`` rule."""
        return (f"@font-face{{font-family:'{self.family}';font-style:normal;font-weight:{self.weight};"
                f"src:url('{self.url}');}}")


def faces(directory: Path | None = None) -> list[Face]:
    """Every ``@font-face`` of the vendored families, with absolute ``file://`` URLs."""
    root = directory or font_dir()
    return [Face(f["family"], f["weight"], (root / f["file"]).as_uri()) for f in manifest()["families"]]


@lru_cache(maxsize=4)
def _css_for(directory: str) -> str:
    return "\n".join(face.css() for face in faces(Path(directory)))


def font_face_css() -> str:
    """The ``@font-face`` rules for the document stylesheet (cached per font directory)."""
    return _css_for(str(font_dir()))
