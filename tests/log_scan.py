"""Scans log lines for what must never be logged: a person's details (the
markers of tests/phi_markers.py), a JWT (every JWT starts `eyJ`, base64 of
`{"`) and a 6-digit number standing alone (a sign-up or TOTP code).

A finding names the kind and where, with the match itself blanked out, so
the report does not repeat what it found."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}")
# Not part of a longer run of digits or letters: a request id or a port is
# no code, and a date or time is split by its separators.
SIX_DIGITS = re.compile(r"(?<![0-9A-Za-z])[0-9]{6}(?![0-9A-Za-z])")


@dataclass(frozen=True)
class Finding:
    source: str
    line_number: int
    kind: str
    line: str  # the match blanked out

    def __str__(self) -> str:
        return f"{self.source} line {self.line_number}: {self.kind}: {self.line.strip()[:300]}"


def _patterns(markers: Iterable[str]) -> list[tuple[str, re.Pattern]]:
    found = [("a JWT", JWT), ("a 6-digit code", SIX_DIGITS)]
    for marker in sorted(set(markers), key=len, reverse=True):
        if marker:
            # An address is the same whatever its case; a name is matched as
            # written, or "Example" would be found in every example.org.
            flags = re.IGNORECASE if "@" in marker else 0
            found.append(("personal details", re.compile(re.escape(marker), flags)))
    return found


def scan(lines: Iterable[str], markers: Iterable[str], *, source: str) -> list[Finding]:
    """One finding per kind of thing found on a line."""
    patterns = _patterns(markers)
    findings = []
    for number, line in enumerate(lines, start=1):
        kinds = list(dict.fromkeys(kind for kind, pattern in patterns if pattern.search(line)))
        if not kinds:
            continue
        blanked = line
        for _kind, pattern in patterns:
            blanked = pattern.sub("[…]", blanked)
        findings.extend(Finding(source, number, kind, blanked) for kind in kinds)
    return findings
