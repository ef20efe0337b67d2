"""The text drawn on a PDF's pages, for tests: each page's content stream
inflated, each string it shows turned back into characters through its
font's ToUnicode map (fpdf2 draws an embedded TrueType font's text as
2-byte glyph codes, not as characters), lines in drawing order. Enough for
the PDFs fpdf2 writes; not a general PDF reader."""

from __future__ import annotations

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
FONT_NAMES = re.compile(rb"/(F\d+) (\d+) 0 R")
TO_UNICODE = re.compile(rb"/ToUnicode (\d+) 0 R")
BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)> <([0-9A-Fa-f]+)>")
# "/F1 10.00 Tf" picks a font; "(...) Tj" shows a string with it.
OPERATIONS = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _inflated(body: bytes) -> bytes:
    found = STREAM.search(body)
    if not found:
        return b""
    try:
        return zlib.decompress(found.group(1))
    except zlib.error:
        return found.group(1)


def _unescaped(literal: bytes) -> bytes:
    def one(match: re.Match) -> bytes:
        escaped = match.group(1)
        if escaped[:1].isdigit():
            return bytes([int(escaped, 8)])
        return ESCAPES.get(escaped, escaped)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal, flags=re.S)


def pdf_text(content: bytes) -> str:
    objects = {int(number): body for number, body in OBJECT.findall(content)}
    maps: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, number in FONT_NAMES.findall(body):
            to_unicode = TO_UNICODE.search(objects.get(int(number), b""))
            if to_unicode:
                cmap = _inflated(objects[int(to_unicode.group(1))])
                maps[name] = {
                    int(code, 16): bytes.fromhex(text.decode()).decode("utf-16-be")
                    for code, text in BFCHAR.findall(cmap)
                }
    lines = []
    for body in objects.values():
        if b"/Length" not in body or b"BT" not in _inflated(body):
            continue
        font: dict[int, str] | None = None
        # One text object (BT ... ET) draws one line, in one or more strings.
        for text_object in re.findall(rb"BT\s(.*?)\sET\s", _inflated(body), re.S):
            line = []
            for chosen, shown in OPERATIONS.findall(text_object):
                if chosen:
                    font = maps.get(chosen)
                    continue
                raw = _unescaped(shown)
                if font is None:  # a core font: Latin-1 bytes
                    line.append(raw.decode("latin-1"))
                else:
                    codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2)]
                    line.append("".join(font.get(code, "\ufffd") for code in codes))
            if line:
                lines.append("".join(line))
    return "\n".join(lines)
