"""licensing.E001: the platform refuses to start without a CJK font (never silent empty boxes)."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks


def test_the_font_check_refuses_to_start_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    from jisheng.licensing import checks

    assert checks.cjk_fonts(), "this machine has fonts-noto-cjk"
    assert [e.id for e in run_checks() if e.id == "licensing.E001"] == []
    monkeypatch.setattr(checks.shutil, "which", lambda name: None)
    errors = [e for e in run_checks() if e.id == "licensing.E001"]
    assert len(errors) == 1 and "fonts-noto-cjk" in (errors[0].hint or "")
