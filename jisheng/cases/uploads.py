"""Validation of uploaded case documents: type by content (not by name) and size.

Accepted: PDF, JPEG, PNG, at most :data:`MAX_UPLOAD_BYTES` bytes and not empty. The type is read
from the file's first bytes; the name's extension must agree, so a renamed file is refused.
"""

from __future__ import annotations

from typing import IO

from django.utils.translation import gettext as _

from jisheng.core.errors import InvalidInput

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

_SIGNATURES: tuple[tuple[bytes, str, tuple[str, ...]], ...] = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
)


def sniff_content_type(head: bytes) -> str | None:
    """Return the MIME type recognised from the first bytes, or None for anything else."""
    for magic, mime, _exts in _SIGNATURES:
        if head.startswith(magic):
            return mime
    return None


def validate_upload(name: str, size: int, stream: IO[bytes]) -> str:
    """Check an upload and return its MIME type.

    Raises:
        InvalidInput: empty, larger than 10 MB, not PDF/JPEG/PNG by content, or the extension of
            ``name`` does not match the content (location: ``"file"``).
    """
    if size <= 0:
        raise InvalidInput(_("文件为空。"), location="file")
    if size > MAX_UPLOAD_BYTES:
        raise InvalidInput(_("文件过大：%(size).1f MB，上限 10 MB。") % {"size": size / 1024 / 1024}, location="file")
    pos = stream.tell()
    head = stream.read(16)
    stream.seek(pos)
    mime = sniff_content_type(head)
    if mime is None:
        raise InvalidInput(_("只接受 PDF、JPEG 或 PNG 文件。"), location="file")
    extensions = next(exts for _m, m, exts in _SIGNATURES if m == mime)
    if not name.lower().endswith(extensions):
        raise InvalidInput(_("文件扩展名与内容不符（内容为 %(mime)s）。") % {"mime": mime}, location="file")
    return mime
