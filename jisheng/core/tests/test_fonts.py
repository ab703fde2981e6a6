"""The vendored document fonts: pinned, verified, merged the same way every time; a missing one stops start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from jisheng.core import checks, fonts


def test_every_pinned_font_is_present_and_unchanged() -> None:
    assert fonts.problems(full=True) == []
    assert checks.check_document_fonts(None) == []


def test_a_missing_font_stops_start_up_with_the_command_that_repairs_it(tmp_path: Path) -> None:
    with override_settings(JISHENG_FONT_DIR=tmp_path):
        errors = checks.check_document_fonts(None)
    assert [e.id for e in errors] == ["core.E002"]
    assert "missing" in errors[0].msg and "jisheng fonts fetch" in (errors[0].hint or "")


def test_a_changed_font_is_reported_by_the_full_check(tmp_path: Path) -> None:
    source = fonts.font_dir()
    for package in fonts.manifest()["packages"]:
        for name, _pin in fonts._targets(package):
            (tmp_path / name).symlink_to(source / name)
    assert fonts.problems(tmp_path) == []
    victim = tmp_path / "NotoSansSC-Bold.ttf"
    victim.unlink()
    victim.write_bytes(b"\0" * 1024)
    assert fonts.problems(tmp_path, full=False) == []  # the start-up check only looks for presence
    assert fonts.problems(tmp_path) == [f"changed {victim} (its SHA-256 differs from fonts.json)"]


def test_a_download_that_does_not_match_its_integrity_installs_nothing(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_download(url: str, to: Path) -> None:
        to.write_bytes(b"not the package")

    monkeypatch.setattr(fonts, "_download", fake_download)
    with pytest.raises(fonts.FontError, match="does not match the pinned integrity"):
        fonts.fetch(tmp_path, log=lambda *a: None)
    assert [p.name for p in tmp_path.iterdir()] == []


def test_only_the_npm_registry_is_asked(tmp_path: Path) -> None:
    with pytest.raises(fonts.FontError, match="npm registry only"):
        fonts._download("https://example.org/font.tgz", tmp_path / "x")


def test_the_pieces_of_a_split_web_font_merge_into_one_font_the_same_way_every_time(tmp_path: Path) -> None:
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def piece(chars: str) -> bytes:
        fb = FontBuilder(1000, isTTF=True)
        names = [".notdef"] + [f"uni{ord(c):04X}" for c in chars]
        fb.setupGlyphOrder(names)
        fb.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in chars})
        pen = TTGlyphPen(None)
        pen.moveTo((0, 0)); pen.lineTo((0, 500)); pen.lineTo((500, 0)); pen.closePath()  # noqa: E702
        glyph = pen.glyph()
        fb.setupGlyf({n: glyph for n in names})
        fb.setupHorizontalMetrics({n: (1000, 0) for n in names})
        fb.setupHorizontalHeader(ascent=880, descent=-120)
        fb.setupNameTable({"familyName": "Piece", "styleName": "Regular"})
        fb.setupOS2()
        fb.setupPost()
        fb.font.flavor = "woff2"
        out = tmp_path / f"{ord(chars[0])}.woff2"
        fb.save(str(out))
        return out.read_bytes()

    pieces: dict[str, Any] = {"a.woff2": piece("计划"), "b.woff2": piece("生育")}
    css = "".join(f"@font-face{{src:url('./files/{name}') format('woff2');}}" for name in pieces)
    first = fonts.merge_pieces(css, pieces.__getitem__)
    assert first == fonts.merge_pieces(css, pieces.__getitem__)

    from io import BytesIO

    from fontTools.ttLib import TTFont

    assert {chr(c) for c in TTFont(BytesIO(first)).getBestCmap()} == set("计划生育")
