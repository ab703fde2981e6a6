"""Official documents embed the vendored fonts and nothing else, whatever fonts the machine has."""

from __future__ import annotations

import re
from pathlib import Path

from tests import tools

#: WeasyPrint names an embedded font after its @font-face family; a machine font would show under its own name.
PDF_FONTS = {"Jisheng-Serif", "Jisheng-Serif-Bold", "Jisheng-Sans-Bold", "Jisheng-Kai"}


def test_a_document_embeds_only_the_vendored_fonts(tmp_path: Path) -> None:
    from jisheng.cases.documents import BASE_TEMPLATE, render_pdf

    pdf = render_pdf(BASE_TEMPLATE, {
        "title": "受理通知书", "issuer": "城厢镇人民政府", "doc_number": "城厢计生受〔2013〕00001号",
        "signed_on": "2013年6月5日"})
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf)
    listing = tools.pdffonts(str(path))
    embedded = {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in listing.splitlines()[2:] if line.strip()}
    assert embedded and embedded <= PDF_FONTS, listing
    assert {"Jisheng-Serif-Bold", "Jisheng-Kai"} <= embedded, listing  # title and body
    assert all(" yes yes yes " in line for line in listing.splitlines()[2:]), listing  # embedded, subset, unicode
    assert "城厢镇人民政府" in tools.pdftotext(pdf).replace(" ", "")
