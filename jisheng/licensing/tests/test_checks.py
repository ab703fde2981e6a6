"""licensing.E001: the platform refuses to start without a CJK font (never silent empty boxes)."""

from __future__ import annotations

import pytest
from django.core.checks import registry


def test_the_font_check_refuses_to_start_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    from jisheng.licensing import checks

    assert checks.check_cjk_font in registry.registry.get_checks()
    assert checks.cjk_fonts(), "this machine has fonts-noto-cjk"
    assert checks.check_cjk_font(None) == []
    monkeypatch.setattr(checks.shutil, "which", lambda name: None)
    errors = checks.check_cjk_font(None)
    assert [e.id for e in errors] == ["licensing.E001"] and "fonts-noto-cjk" in (errors[0].hint or "")
