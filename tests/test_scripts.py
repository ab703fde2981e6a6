"""The set-up scripts do what they say: the sample decision letter that scripts/fresh-machine-check compares across
machines is a real letter (its legal basis printed), and scripts/system-deps prints one list per profile."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests import tools

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_sample_letter_prints_its_legal_basis(tmp_path: Path) -> None:
    out = tmp_path / "sample.pdf"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "sample-document"), str(out)], check=True,  # noqa: S603
                   capture_output=True, cwd=ROOT)
    text = "".join(tools.pdftotext(out.read_bytes()).split())
    assert "符合下列规定" in text
    assert "《江苏省人口与计划生育条例》第二十二条第（六）项" in text


def test_system_deps_lists_the_test_packages_after_the_run_packages() -> None:
    def listed(profile: str) -> list[str]:
        return subprocess.run([str(ROOT / "scripts" / "system-deps"), "--list", profile], check=True,  # noqa: S603
                              capture_output=True, text=True).stdout.split()

    run, test = listed("run"), listed("test")
    assert {"libpango-1.0-0", "libharfbuzz-subset0", "fontconfig"} <= set(run)
    assert test[:len(run)] == run and {"chromium", "poppler-utils", "fonts-noto-cjk"} <= set(test)
    refused = subprocess.run([str(ROOT / "scripts" / "system-deps"), "nonsense"], capture_output=True,  # noqa: S603
                             text=True, check=False)
    assert refused.returncode == 2 and "usage" in refused.stderr


def test_system_deps_bench_profile_adds_the_load_generator_and_the_file_server() -> None:
    def listed(profile: str) -> list[str]:
        return subprocess.run([str(ROOT / "scripts" / "system-deps"), "--list", profile], check=True,  # noqa: S603
                              capture_output=True, text=True).stdout.split()

    run, bench = listed("run"), listed("bench")
    assert bench[:len(run)] == run and set(bench) - set(run) == {"wrk", "nginx-light"}
