"""Writes a process could not send to PostgreSQL before it stopped, kept in `data/spool/` and
replayed by the next start, each file once.

`save` writes one JSON line per write to a temporary file, fsyncs it and renames it into place,
so a file is either whole or absent. `replay` claims each file by renaming it (only one of
several starting processes wins a file), runs its writes in one transaction and then deletes it.
If the server goes away during a replay, the file is put back for the next start; a file
claimed by a process that died mid-replay is claimed again. Replaying a write twice changes
nothing (see `writes`), so a crash between the commit and the delete costs nothing either.
Votes are kept by their salted hash, so no user id is ever written to the file.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from pathlib import Path

from bot.records.store import Store
from bot.records.writes import Op, Pending, apply, from_record

log = logging.getLogger(__name__)

FOLDER = "spool"
PATTERN = "spill-*.jsonl"
CLAIMED = ".replaying-"  # a claimed file: spill-….jsonl.replaying-<pid>


class SpillFolder:
    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / FOLDER

    def save(self, writes: list[object]) -> list[object]:
        """Keep `writes` for the next start; returns those that could not be kept. A prune has
        nothing to keep (the next start prunes), so it counts as kept."""
        records = [w.op.record() for w in writes if isinstance(w, Pending)]
        unknown = [w for w in writes if not isinstance(w, Pending)]
        lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records if r is not None]
        if not lines:
            return unknown
        name = f"spill-{uuid.uuid4().hex}.jsonl"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{name}.tmp"
            with temporary.open("w", encoding="utf-8") as out:
                out.writelines(lines)
                out.flush()
                os.fsync(out.fileno())
            temporary.rename(self.folder / name)
            _sync_folder(self.folder)
        except OSError as exc:
            log.error("postgres: could not keep %d unsent writes in %s: %s", len(lines), self.folder, exc)
            return list(writes)
        return unknown

    def replay(self, store: Store) -> int:
        """Run every spilled write once; returns how many were replayed."""
        replayed = 0
        for path in self._claimable():
            claimed = path.with_name(f"{path.name.split(CLAIMED)[0]}{CLAIMED}{os.getpid()}")
            try:
                path.rename(claimed)
            except FileNotFoundError:
                continue  # another process claimed it first
            ops: list[Op] = [
                from_record(json.loads(line)) for line in claimed.read_text("utf-8").splitlines()
            ]
            try:
                apply(store, ops)
            except BaseException:
                claimed.rename(path)
                raise
            claimed.unlink()
            replayed += len(ops)
        return replayed

    def _claimable(self) -> list[Path]:
        """Unclaimed files, and those claimed by a process that no longer runs, oldest first."""
        if not self.folder.is_dir():
            return []
        found = list(self.folder.glob(PATTERN))
        found += [
            p for p in self.folder.glob(f"{PATTERN}{CLAIMED}*") if not _running(p.name.split(CLAIMED)[1])
        ]
        return sorted(found, key=lambda p: p.stat().st_mtime_ns)


def _running(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    return True


def _sync_folder(folder: Path) -> None:
    """Make the rename durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
