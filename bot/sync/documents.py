"""A synced document: front matter plus Markdown body, its content hash, and a short diff.

Rendering goes through the corpus loader before anything is written, so a converter bug shows
up as a failed source, never as a file the index would skip.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from bot.corpus.loaders import document_from_bytes
from bot.corpus.yaml_text import PlainDumper
from bot.errors import DocumentError
from bot.sync.http import SourceFailure

LABEL = re.compile(r"^\(([a-z]{1,4}|\d{1,3}|[A-Z]{1,2})\)")
ROMAN = re.compile(r"^[ivxl]+$")
SHOWN = 6  # labels named in a short diff before "…"


@dataclass(frozen=True)
class SyncedDoc:
    """One official source as Basis stores it; `key` is what the report calls it (`15 CFR 734.13`)."""

    source: str
    key: str
    doc_id: str
    relpath: str
    version: str
    changed_on: date
    meta: dict[str, Any]
    body: str

    @property
    def sha256(self) -> str:
        """The content hash: body and front matter, without the fetch time and the as-of date."""
        stable = {k: v for k, v in self.meta.items() if k not in ("as_of", "fetched_at")}
        blob = json.dumps(stable, sort_keys=True, default=str, ensure_ascii=False) + "\n" + self.body
        return hashlib.sha256(blob.encode()).hexdigest()

    def render(self, fetched_at: str) -> bytes:
        meta = {"id": self.doc_id, **self.meta, "fetched_at": fetched_at, "version": self.version}
        head = yaml.dump(meta, Dumper=PlainDumper, allow_unicode=True, sort_keys=False, width=1000)
        data = f"---\n{head}---\n{self.body.strip()}\n".encode()
        try:
            document_from_bytes(data, f"{self.doc_id}.md")
        except DocumentError as exc:
            raise SourceFailure(f"{self.key}: converted document rejected by the schema ({exc})") from None
        return data


def units(body: str) -> dict[str, str]:
    """The body cut into named parts: `## headings` and CFR paragraphs by label path, `(b)(1)`."""
    parts: dict[str, list[str]] = {}
    current = "intro"
    path: list[str] = []
    for block in (b.strip() for b in re.split(r"\n\s*\n", body)):
        if not block:
            continue
        if block.startswith("#"):
            current, path = block.lstrip("#").strip(), []
        elif label := LABEL.match(block):
            path = _nest(path, label.group(1))
            current = "".join(f"({p})" for p in path)
        parts.setdefault(current, []).append(block)
    return {k: "\n\n".join(v) for k, v in parts.items()}


def _level(label: str, path: list[str]) -> int:
    if label.isdigit():
        return 1
    if label.isupper():
        return 3
    if ROMAN.match(label) and not (path and len(path) == 1 and label == _next_letter(path[0])):
        return 2
    return 0


def _next_letter(label: str) -> str:
    return chr(ord(label[-1]) + 1) if len(label) == 1 else ""


def _nest(path: list[str], label: str) -> list[str]:
    level = _level(label, path)
    return [*path[:level], label] if level <= len(path) else [*path, label]


def short_diff(old_body: str, new_body: str) -> str:
    """`changed (b)(1); added (d)` between two bodies; empty when they cut into the same parts."""
    old, new = units(old_body), units(new_body)
    changed = [k for k in new if k in old and old[k] != new[k]]
    added = [k for k in new if k not in old]
    removed = [k for k in old if k not in new]
    out = [
        f"{word} {_names(keys)}"
        for word, keys in (("changed", changed), ("added", added), ("removed", removed))
        if keys
    ]
    return "; ".join(out)


def _names(keys: list[str]) -> str:
    shown = ", ".join(keys[:SHOWN])
    return shown + (f" and {len(keys) - SHOWN} more" if len(keys) > SHOWN else "")
