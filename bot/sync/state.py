"""The sync state file beside the synced copies: each one's version id and content hash.

It is hidden (`.sync-state.json`), so the knowledge loader never reads it as a document, and it
is replaced in one rename, so a crash leaves the old state or the new one, never half of each.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.errors import SyncError

STATE_FILE = ".sync-state.json"


@dataclass(frozen=True)
class Entry:
    source: str
    key: str
    path: str
    version: str
    sha256: str
    changed_on: str
    fetched_at: str


def read_state(folder: Path) -> dict[str, Entry]:
    path = folder / STATE_FILE
    if not path.is_file():
        return {}
    try:
        rows = json.loads(path.read_text("utf-8"))["documents"]
        return {doc_id: Entry(**row) for doc_id, row in rows.items()}
    except (ValueError, KeyError, TypeError) as exc:
        raise SyncError(
            f"{path}: unreadable sync state ({exc}); delete it to re-import everything."
        ) from None


def state_bytes(entries: dict[str, Entry]) -> bytes:
    rows = {doc_id: asdict(entries[doc_id]) for doc_id in sorted(entries)}
    return (json.dumps({"documents": rows}, indent=2, ensure_ascii=False) + "\n").encode()


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())  # the bytes are on disk before the name points at them
    os.replace(tmp, path)
