"""The file types people may upload, told apart by their content.

A file's name and the type its browser claims are whatever the sender chose;
only the first bytes say what a file is. Plain data and rules: no Django."""

from __future__ import annotations

import re
import zlib

from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"

# A PDF must open with "%PDF-"; PNG and JPEG with their fixed signatures.
SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)
HEAD_BYTES = 16  # enough to read every signature above

EXTENSIONS = {PDF: ("pdf",), PNG: ("png",), JPEG: ("jpg", "jpeg")}
DESCRIPTIONS = {PDF: "PDF", PNG: _("PNG image"), JPEG: _("JPEG image")}


def type_from_content(head: bytes) -> str | None:
    """The content type the file's first bytes show, or None if they show
    none of the accepted types (whatever the file's name says)."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def type_from_extension(extension: str) -> str | None:
    extension = extension.lower()
    for content_type, extensions in EXTENSIONS.items():
        if extension in extensions:
            return content_type
    return None


# --- Active content ----------------------------------------------------------------
# A PDF that runs something when opened, or a file that a browser would also
# read as a web page or an SVG image (a "polyglot"), is refused whatever its
# first bytes say: someone who opens it (a doctor, an admin) would run it.

PDF_ACTIONS = (b"/javascript", b"/js", b"/openaction", b"/launch")
MARKUP = (b"<html", b"<script", b"<svg", b"<!doctype html", b"<body", b"<iframe", b"<object", b"<embed")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9a-fA-F]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_PDF_NAME_END = rb"(?=[\s/<>\[\]()%]|$)"
INFLATED_LIMIT = 32 * 1024 * 1024  # what the streams of one file may inflate to, in all


def active_content(data: bytes, content_type: str) -> str | None:
    """Why `data` must not be stored ("script", "markup"), or None. PDF
    names are read with their #xx escapes undone and compressed streams
    inflated, so /J#61vaScript or an action inside an object stream is found."""
    lowered = data.lower()
    if any(tag in lowered for tag in MARKUP):
        return "markup"
    if content_type != PDF:
        return None
    texts = [data, *_inflated_streams(data)]
    for text in texts:
        plain = _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), text).lower()
        if any(re.search(re.escape(name) + _PDF_NAME_END, plain) for name in PDF_ACTIONS):
            return "script"
        if any(tag in plain for tag in MARKUP):
            return "markup"
    return None


def _inflated_streams(data: bytes) -> list[bytes]:
    inflated, total = [], 0
    for stream in _PDF_STREAM.findall(data):
        try:
            decompressor = zlib.decompressobj()
            text = decompressor.decompress(stream, INFLATED_LIMIT - total)
        except zlib.error:
            continue
        total += len(text)
        inflated.append(text)
        if total >= INFLATED_LIMIT:
            break
    return inflated
