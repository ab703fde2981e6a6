"""The programs some tests drive (Debian's chromium, poppler's pdftotext and pdffonts), found on PATH.

``make test`` installs them (``scripts/system-deps test``). When one is missing the test fails — it is not
skipped — with the command that installs it, so a machine without them never reports a green suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

#: Flags for Debian's chromium on a machine without a display or outside network (see ARCHITECTURE.md).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def program(name: str, package: str) -> str:
    """The path of ``name`` on PATH (``JISHENG_<NAME>`` overrides it); fails the test when it is missing."""
    path = os.environ.get(f"JISHENG_{name.upper()}") or shutil.which(name)
    if not path:
        pytest.fail(f"{name} is not installed: run `make test` (it installs Debian's {package} through "
                    f"scripts/system-deps) or `apt-get install {package}`", pytrace=False)
    return path


def chromium() -> str:
    """Debian's chromium, for Playwright's ``executable_path``."""
    return program("chromium", "chromium")


def pdftotext(data: bytes, *, layout: bool = False) -> str:
    """The text of a PDF (poppler's pdftotext, UTF-8)."""
    args = [program("pdftotext", "poppler-utils"), *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode()  # noqa: S603


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, in order (poppler's ``pdfinfo`` for the count, ``pdftotext -f N -l N``)."""
    info = subprocess.run([program("pdfinfo", "poppler-utils"), "-"], input=data, capture_output=True,  # noqa: S603
                          check=True).stdout.decode()
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return [subprocess.run([program("pdftotext", "poppler-utils"), "-f", str(n), "-l", str(n), "-", "-"],  # noqa: S603
                           input=data, capture_output=True, check=True).stdout.decode() for n in range(1, count + 1)]


def pdffonts(path: str) -> str:
    """poppler's ``pdffonts`` listing of a PDF file."""
    return subprocess.run([program("pdffonts", "poppler-utils"), path], capture_output=True, check=True,  # noqa: S603
                          text=True).stdout
