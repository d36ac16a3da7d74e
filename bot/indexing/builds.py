"""The `builds/` folder over time: private temporaries, one atomic publish, and cleanup.

A build writes a complete folder and repoints the `current` symlink with one
`os.replace`, so a reader sees the old index or the new one, never half of
either. Another process may have resolved `current` just before the swap and
still be loading the old folder, so a superseded build is kept for a grace
period and, past it, for as long as a reader holds its read lock; later builds
remove it. A build killed outright (`kill -9`) leaves its temporary folder and
link behind; their names carry the owner's pid, and the next build removes the
ones whose owner is gone.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from bot.indexing.store import BUILDS, CURRENT

TMP = ".tmp-"
TMP_LINK = f".{CURRENT}.tmp-"
SUPERSEDED = ".superseded"  # its mtime is when the build stopped being current
READ_LOCK = ".readers"  # readers hold a shared flock on it while loading the build
_OWNER = re.compile(r"-(\d+)$")


def new_build_folder(index_dir: Path, stamp: str) -> Path:
    """A private folder for one build, named after this process so debris can be traced to its owner."""
    folder = index_dir / BUILDS / f"{TMP}{stamp}-{os.getpid()}"
    folder.mkdir(parents=True)
    (folder / READ_LOCK).touch()
    return folder


def publish(index_dir: Path, folder: Path, keep_seconds: float) -> Path:
    """Make `folder` the live index with one atomic rename; prune builds superseded long enough ago."""
    final = folder.with_name(folder.name.removeprefix(TMP))
    folder.rename(final)
    link = index_dir / CURRENT
    previous = link.resolve() if link.is_symlink() else None
    tmp_link = index_dir / f"{TMP_LINK}{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(Path(BUILDS) / final.name)
    os.replace(tmp_link, link)
    if previous is not None and previous != final:
        _mark_superseded(previous)
    with suppress(OSError):  # the new index is live; what is not pruned now, a later build prunes
        prune(index_dir, keep_seconds)
    return final


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def prune(index_dir: Path, keep_seconds: float) -> list[Path]:
    """Remove builds that stopped being current over `keep_seconds` ago and that no reader holds."""
    live = (index_dir / CURRENT).resolve()
    removed = []
    for folder in _build_folders(index_dir):
        if folder == live or folder.name.startswith(TMP):
            continue
        marker = folder / SUPERSEDED
        if not marker.exists():  # superseded by a build that died before marking it
            _mark_superseded(folder)
        with suppress(FileNotFoundError):
            if time.time() - marker.stat().st_mtime >= keep_seconds and _remove_unless_read(folder):
                removed.append(folder)
    return removed


def remove_debris(index_dir: Path) -> list[Path]:
    """Remove temporary folders and links of builds whose owner process is gone.

    Call only while holding the writer lock: no build of this process is then under
    way, so a temporary named after this pid is a dead predecessor's (pids are reused).
    """
    candidates = [p for p in _build_folders(index_dir) if p.name.startswith(TMP)]
    candidates += list(index_dir.glob(f"{TMP_LINK}*"))
    removed = []
    for path in candidates:
        owner = _OWNER.search(path.name)
        if owner and int(owner.group(1)) != os.getpid() and _running(int(owner.group(1))):
            continue
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


@contextmanager
def reading(folder: Path) -> Iterator[None]:
    """Hold `folder` while loading it, so no cleanup removes it underneath.

    Raises FileNotFoundError when the folder has vanished. A folder without a
    read lock (built before there was one) is read unprotected.
    """
    try:
        handle = (folder / READ_LOCK).open("rb")
    except FileNotFoundError:
        if not folder.is_dir():
            raise
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        yield


def _build_folders(index_dir: Path) -> list[Path]:
    root = index_dir / BUILDS
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def _mark_superseded(folder: Path) -> None:
    """Best effort: on a full disk the swap has already happened, and a later build marks it."""
    with suppress(OSError):
        (folder / SUPERSEDED).touch()


def _remove_unless_read(folder: Path) -> bool:
    try:
        handle = (folder / READ_LOCK).open("rb")
    except FileNotFoundError:
        shutil.rmtree(folder, ignore_errors=True)
        return True
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        shutil.rmtree(folder, ignore_errors=True)
    return True


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
