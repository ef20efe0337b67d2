"""Compiles locale/<lang>/LC_MESSAGES/django.po into django.mo, refusing a
catalogue with an entry left untranslated, marked fuzzy, or whose
translation drops or adds a placeholder. Pure Python, so the image
(python:3.11-slim, no GNU gettext) and `make run`/`make test` build the
same catalogue the same way:

    python tools/compile_messages.py          # every catalogue under locale/
    python tools/compile_messages.py --check  # report only, write nothing
"""

from __future__ import annotations

import argparse
import ast
import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sd]|%[sd]|\{[a-z_0-9]*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False
    obsolete: bool = False
    line: int = 0

    @property
    def key(self) -> str:
        source = self.msgid if self.msgid_plural is None else f"{self.msgid}\0{self.msgid_plural}"
        return source if self.msgctxt is None else f"{self.msgctxt}\x04{source}"

    @property
    def value(self) -> str:
        return "\0".join(self.msgstr[index] for index in sorted(self.msgstr))


def parse(text: str) -> list[Entry]:
    """The entries of a .po file, in order (obsolete ones marked)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int | None] | None = None

    def finish():
        nonlocal entry, target
        if entry.msgstr or entry.line:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            if not entry.obsolete and entry.line:
                finish()
            entry.obsolete = True
            entry.line = entry.line or number
            continue
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if entry.line and target is not None and target[0] == "msgstr":
                finish()
            if line.startswith("#,") and "fuzzy" in line:
                entry.fuzzy = True
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"line {number}: a string outside an entry")
            _append(entry, target, ast.literal_eval(line))
            continue
        if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
            finish()
        entry.line = entry.line or number
        value = ast.literal_eval(rest)
        if keyword.startswith("msgstr["):
            target = ("msgstr", int(keyword[len("msgstr[") : -1]))
        elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            target = (keyword, 0 if keyword == "msgstr" else None)
        else:
            raise ValueError(f"line {number}: unknown keyword {keyword!r}")
        _set(entry, target, value)
    finish()
    return entries


def _set(entry: Entry, target, value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = value
    else:
        setattr(entry, name, value)


def _append(entry: Entry, target, value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] += value
    else:
        setattr(entry, name, getattr(entry, name) + value)


def problems(entries: list[Entry]) -> list[str]:
    """Why the catalogue may not be compiled: one line per faulty entry."""
    found = []
    for entry in entries:
        if entry.obsolete or entry.msgid == "":
            continue
        where = f"line {entry.line} ({entry.msgid[:50]!r})"
        if entry.fuzzy:
            found.append(f"{where}: marked fuzzy")
        if not entry.msgstr or not all(entry.msgstr.values()):
            found.append(f"{where}: not translated")
            continue
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        wanted = set().union(*(set(PLACEHOLDER.findall(source)) for source in sources))
        for translation in entry.msgstr.values():
            if set(PLACEHOLDER.findall(translation)) - wanted:
                found.append(f"{where}: a placeholder the source does not have")
            if entry.msgid_plural is None and set(PLACEHOLDER.findall(translation)) != wanted:
                found.append(f"{where}: its placeholders differ from the source's")
    return found


def mo_bytes(entries: list[Entry]) -> bytes:
    """GNU .mo (little-endian, no hash table) of the translated entries."""
    pairs = sorted(
        (entry.key.encode(), entry.value.encode())
        for entry in entries
        if not entry.obsolete and not entry.fuzzy and entry.msgstr
    )
    header_size = 7 * 4
    originals_at = header_size
    translations_at = originals_at + 8 * len(pairs)
    data_at = translations_at + 8 * len(pairs)
    originals, translations, data = [], [], b""
    for source, _ in pairs:
        originals.append((len(source), data_at + len(data)))
        data += source + b"\0"
    for _, target in pairs:
        translations.append((len(target), data_at + len(data)))
        data += target + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, len(pairs), originals_at, translations_at, 0, data_at)
    tables = b"".join(struct.pack("<2I", *pair) for pair in originals + translations)
    return header + tables + data


def compile_catalogue(po: Path, *, write: bool = True) -> list[str]:
    entries = parse(po.read_text(encoding="utf-8"))
    found = problems(entries)
    if not found and write:
        po.with_suffix(".mo").write_bytes(mo_bytes(entries))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only")
    args = parser.parse_args(argv)
    failed = False
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        for problem in compile_catalogue(po, write=not args.check):
            failed = True
            print(f"{po.relative_to(ROOT)}: {problem}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
