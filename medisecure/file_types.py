"""The file types people may upload, told apart by their content.

A file's name and the type its browser claims are whatever the sender chose;
only the first bytes say what a file is. Plain data and rules: no Django."""

from __future__ import annotations

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
DESCRIPTIONS = {PDF: "PDF", PNG: "PNG image", JPEG: "JPEG image"}


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
