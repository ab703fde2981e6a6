"""System checks of the licensing app: ``licensing.E001`` — no CJK font, no official documents.

WeasyPrint prints missing glyphs as empty boxes without any error, so the platform refuses to start
unless fontconfig knows a Chinese font (Debian: ``apt install fonts-noto-cjk``).
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from django.core.checks import Error, register


def cjk_fonts() -> list[str]:
    """Font families fontconfig offers for Chinese (``fc-list :lang=zh family``); empty when none or no fc-list."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        out = subprocess.run([exe, ":lang=zh", "family"], capture_output=True, text=True, timeout=20,  # noqa: S603
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})


@register()
def check_cjk_font(app_configs: Any, **kwargs: Any) -> list[Error]:
    """licensing.E001: a CJK font must be installed for the PDF documents."""
    if cjk_fonts():
        return []
    return [Error("No Chinese (CJK) font is available to fontconfig: official documents would print empty boxes.",
                  id="licensing.E001",
                  hint="Install one, e.g. `apt install fonts-noto-cjk`, then check with `fc-list :lang=zh`.")]
