"""A separate process for the index fault tests: build, rebuild in a loop, open in a loop, or die mid-build.

Run as `python -m tests.faults.index_worker MODE KNOWLEDGE INDEX [ARG]`; results are
one JSON line on stdout, so the tests see what a real second process saw.

A rebuild loop can be paced by its counterpart (issue 24): the other side counts what it did
(opens, swaps) into a file with `count_to`, and each round waits until that count has grown
by `need` since the last build ended. So the two really interleave however busy the machine
is, and a test can count on "the reader saw several builds" instead of hoping for it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bot.indexing import store
from bot.indexing.build import build_index, manifest_settings
from bot.indexing.loaded import LoadedIndex
from bot.service import chunker_config
from bot.settings import Settings
from tests.fakes import HashEmbedder
from tests.timing import wait_until

ROOT = Path(__file__).resolve().parents[2]
CONFIG = chunker_config(Settings(_env_file=None))  # what the tests' `settings` fixture uses
EDITED = "smuggling-report.md"
HANG = 3600.0


def build(knowledge: Path, index: Path, keep_seconds: float = 300.0) -> None:
    build_index(knowledge, index, HashEmbedder(), CONFIG, 50_000, keep_seconds=keep_seconds)


def publish(knowledge: Path, index: Path) -> None:
    """Build once and say which folder is now live."""
    build(knowledge, index)
    print(json.dumps({"published": str(store.current_folder(index))}), flush=True)


def count_to(path: Path, count: int) -> None:
    """Publish a running count for a paced rebuild to read (atomically: never half written)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(str(count), "utf-8")
    os.replace(partial, path)


def counted(path: Path) -> int:
    return int(path.read_text("utf-8")) if path.exists() else 0


def paced(rounds: int, progress: Path, need: int) -> str:
    """The ARG of a `rebuild` that waits for `need` more counts in `progress` between builds."""
    return f"{rounds},{need},{progress}"


def rebuild(knowledge: Path, index: Path, arg: str) -> None:
    """Edit one document and rebuild, ROUNDS times, with no grace period (the hardest case).

    ARG is ROUNDS, or `paced(…)`'s ROUNDS,NEED,PROGRESS: each round after the first then waits
    until PROGRESS counts NEED more than when the previous build ended.
    """
    rounds_text, _, pacing = arg.partition(",")
    need_text, _, progress_text = pacing.partition(",")
    need, progress = (int(need_text), Path(progress_text)) if pacing else (0, None)
    path = knowledge / EDITED
    done = 0
    for round_ in range(int(rounds_text)):
        if round_ and progress is not None:
            target = done + need
            wait_until(lambda: counted(progress) >= target, f"round {round_}: the other side")  # noqa: B023
        path.write_text(path.read_text("utf-8") + f"\nRound {round_} of edits.\n", "utf-8")
        build(knowledge, index, keep_seconds=0.0)
        done = counted(progress) if progress is not None else 0
    print(json.dumps({"builds": int(rounds_text)}), flush=True)


def open_until(index: Path, stop: Path) -> None:
    """Open the live index (and search it) until `stop` exists; count the opens that failed.

    The running count of opens goes to STOP.opens, for a rebuild paced on it.
    """
    progress = stop.with_name(stop.name + ".opens")
    expected = manifest_settings(HashEmbedder(), CONFIG)
    query = HashEmbedder().encode_query("deemed export of technology")
    opens, failures, folders = 0, [], set()
    while not stop.exists():
        opens += 1
        try:
            index_ = LoadedIndex.open(index, expected)
            index_.dense.search(query, 3)
            folders.add(index_.folder.name)
        except Exception as exc:  # every failure is counted and shown, never hidden
            failures.append(f"{type(exc).__name__}: {str(exc)[:200]}")
        count_to(progress, opens)
    print(
        json.dumps({"opens": opens, "failed": len(failures), "folders": len(folders), "errors": failures[:5]})
    )


def hang_after_vectors(knowledge: Path, index: Path) -> None:
    """Build, but stop for good once the vectors are on disk: the test kills us there."""
    write_chunks = store.write_chunks

    def write_then_hang(folder: Path, chunks: list, vectors: object) -> None:
        write_chunks(folder, chunks, vectors)
        print(json.dumps({"written": str(folder / store.VECTORS)}), flush=True)
        time.sleep(HANG)

    store.write_chunks = write_then_hang
    build(knowledge, index)


def hang_before_swap(knowledge: Path, index: Path) -> None:
    """Build, but stop for good between making the new `current` link and swapping it in."""

    def hang(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        print(json.dumps({"link": str(source)}), flush=True)
        time.sleep(HANG)

    os.replace = hang
    build(knowledge, index)


def spawn(mode: str, knowledge: Path, index: Path, arg: str = "") -> subprocess.Popen[str]:
    """This module in a new process, importing this checkout of `bot`."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.index_worker", mode, str(knowledge), str(index), arg],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )


def result(process: subprocess.Popen[str], timeout: float = 300.0) -> dict[str, object]:
    """The JSON line a worker printed last, once it has exited cleanly."""
    out, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, out
    return json.loads(out.strip().splitlines()[-1])


MODES = {
    "build": lambda k, i, _: publish(k, i),
    "rebuild": lambda k, i, arg: rebuild(k, i, arg),
    "open": lambda k, i, arg: open_until(i, Path(arg)),
    "hang-after-vectors": lambda k, i, _: hang_after_vectors(k, i),
    "hang-before-swap": lambda k, i, _: hang_before_swap(k, i),
}

if __name__ == "__main__":
    mode, knowledge_dir, index_dir, *rest = sys.argv[1:]
    MODES[mode](Path(knowledge_dir), Path(index_dir), rest[0] if rest else "")
