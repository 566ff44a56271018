"""What the admin's import page accepts: a file of the kind its format is, within a size.

The kind is read from the file's first bytes, not its name: a name says what someone called
the file, the bytes what the reader will meet. The readers still check everything else (an
XML file that is no WXR export is refused when the import runs, with WordPress's reason).
"""

from __future__ import annotations

import codecs
import enum

from django.core.files import File

from broadsheet.errors import InvalidInput
from broadsheet.interop.models import ImportFormat

# A 200,000-comment WordPress export is about 200 MB; this leaves room for bigger sites, and
# a bigger one is better imported with `broadsheet import` on the server than uploaded.
MAX_IMPORT_FILE_SIZE = 512 * 1024 * 1024
# A thread map is a CSV of (Disqus link, post): 100,000 rows are a few megabytes.
MAX_MAP_FILE_SIZE = 16 * 1024 * 1024
SNIFF_BYTES = 1024  # enough for a byte-order mark, an XML declaration and a comment or two

_ZIP_SIGNATURE = b"PK\x03\x04"


class FileKind(enum.StrEnum):
    XML = "XML"
    ZIP = "ZIP"
    JSON = "JSON"
    TEXT = "plain text"
    WEB_PAGE = "web page"
    OTHER = "other"


ACCEPTED_KINDS: dict[ImportFormat, tuple[FileKind, ...]] = {
    ImportFormat.WXR: (FileKind.XML, FileKind.ZIP),
    ImportFormat.DISQUS: (FileKind.XML,),
}
_WHAT_IS_EXPECTED = {
    ImportFormat.WXR: "a WordPress export is an XML file (or the .zip WordPress.com hands over)",
    ImportFormat.DISQUS: "a Disqus export is an XML file",
}


class UploadRefused(InvalidInput):
    """An uploaded file this page does not take; `field` names the form's field."""

    code = "upload_refused"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def kind_of(head: bytes) -> FileKind:
    """What a file is, from its first bytes."""
    if head.startswith(_ZIP_SIGNATURE):
        return FileKind.ZIP
    text = _decoded(head)
    if text is None:
        return FileKind.OTHER
    start = text.lstrip()[:15].lower()
    if start.startswith(("<!doctype html", "<html")):
        return FileKind.WEB_PAGE
    if start.startswith("<"):
        return FileKind.XML
    if start.startswith(("{", "[")):
        return FileKind.JSON
    return FileKind.TEXT


def _decoded(head: bytes) -> str | None:
    """The head as text (its last character may be cut), or None for binary data."""
    for mark, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(mark):
            return head[len(mark) :].decode(encoding, errors="ignore")
    if b"\x00" in head:
        return None
    # Exports in a one-byte encoding (ISO-8859-1, Windows-1252) declare it in their XML
    # declaration; every such byte decodes, so the first characters can still be looked at.
    return head.decode("latin-1")


def _head(file: File[bytes]) -> bytes:
    file.seek(0)
    head: bytes = file.read(SNIFF_BYTES)
    file.seek(0)
    return head


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


def check_import_file(file: File[bytes], *, format: ImportFormat) -> None:
    """Refuse (UploadRefused) an export too big for the page, or not of the format's kind."""
    name = file.name or "The file"
    size = file.size or 0
    if size > MAX_IMPORT_FILE_SIZE:
        raise UploadRefused(
            f"{name} is {_megabytes(size)}: this page takes files up to "
            f"{_megabytes(MAX_IMPORT_FILE_SIZE)}. Import a bigger site on the server with "
            f"`broadsheet import {format.value} FILE`.",
            field="file",
        )
    if size == 0:
        raise UploadRefused(f"{name} is empty.", field="file")
    kind = kind_of(_head(file))
    if kind not in ACCEPTED_KINDS[format]:
        raise UploadRefused(
            f"{name} is not an export of this kind: {_WHAT_IS_EXPECTED[format]}, and this "
            f"file is {_described(kind)}.",
            field="file",
        )


def check_map_file(file: File[bytes]) -> None:
    """Refuse (UploadRefused) a thread map that is too big or not CSV text."""
    name = file.name or "The thread map"
    size = file.size or 0
    if size > MAX_MAP_FILE_SIZE:
        raise UploadRefused(
            f"{name} is {_megabytes(size)}: a thread map may have up to "
            f"{_megabytes(MAX_MAP_FILE_SIZE)}.",
            field="map_file",
        )
    kind = kind_of(_head(file))
    if kind is not FileKind.TEXT:
        raise UploadRefused(
            f"{name} is not a thread map: it should be CSV text, rows of (Disqus link or "
            f"thread id, post slug or address), and this file is {_described(kind)}.",
            field="map_file",
        )


def _described(kind: FileKind) -> str:
    if kind is FileKind.OTHER:
        return "binary data"
    if kind is FileKind.TEXT:
        return "neither XML nor JSON"
    return f"{'an' if kind.value[0] in 'AEIOUX' else 'a'} {kind.value}"
