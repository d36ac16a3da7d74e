"""Two real processes: one rebuilds the index over and over, the other opens it and answers in a loop.

Prints rebuilds, opens, failed opens, answers and failed answers (the target is 0 failed of
either). The reader answers each question twice: from the index it has just opened, and from
one it opened at the start and kept (its build is removed from disk meanwhile). Not a test.

    python bench/concurrent_readers.py            # knowledge/ and the real model
    python bench/concurrent_readers.py --quick    # the test fixture and the hashing embedder
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.indexing.embedder import Embedder  # noqa: E402
from bot.knowledge_base import build  # noqa: E402
from bot.ranking.ranker import Ranker  # noqa: E402
from bot.service import Basis, embedder_for  # noqa: E402
from bot.settings import Settings, load_settings  # noqa: E402

QUESTIONS = [
    "What is a deemed export?",
    "Do I need a licence to share controlled technology with a foreign employee?",
    "What does the entity list do?",
    "什么是视同出口？",
]


def settings_for(work: Path, keep_seconds: float) -> Settings:
    return load_settings(
        knowledge_dir=work / "knowledge",
        index_dir=work / "index",
        data_dir=work / "data",
        build_keep_seconds=keep_seconds,
        _env_file=None,
    )


def bench_embedder(quick: bool, settings: Settings) -> Embedder:
    if quick:
        from tests.fakes import HashEmbedder

        return HashEmbedder()
    return embedder_for(settings)


def rebuild(settings: Settings, embedder: Embedder, rounds: int) -> dict[str, object]:
    """Edit one document (a different one each round) and rebuild, `rounds` times."""
    documents = sorted(p for p in settings.knowledge_dir.rglob("*.md") if p.name.lower() != "readme.md")
    seconds = []
    for round_ in range(rounds):
        path = documents[round_ % len(documents)]
        path.write_text(
            path.read_text("utf-8") + f"\n\nEdit {round_} made by the concurrency bench.\n", "utf-8"
        )
        started = time.perf_counter()
        build(settings, embedder)
        seconds.append(time.perf_counter() - started)
    return {"rebuilds": rounds, "mean_rebuild_s": round(sum(seconds) / len(seconds), 2)}


def read(settings: Settings, embedder: Embedder, stop: Path, ready: Path) -> dict[str, object]:
    """Open and answer until `stop` exists, counting what failed (and keeping the first errors)."""
    ranker = Ranker.load()
    kept = Basis.open(settings, embedder=embedder, ranker=ranker)
    ready.touch()
    counts = {"opens": 0, "failed_opens": 0, "answers": 0, "failed_answers": 0, "unanswered": 0}
    folders: set[str] = set()
    errors: list[str] = []
    while not stop.exists():
        question = QUESTIONS[counts["opens"] % len(QUESTIONS)]
        counts["opens"] += 1
        try:
            fresh = Basis.open(settings, embedder=embedder, ranker=ranker)
            folders.add(fresh.answering.index.folder.name)
        except Exception as exc:  # counted and shown, never hidden
            counts["failed_opens"] += 1
            errors.append(f"open: {type(exc).__name__}: {str(exc)[:200]}")
            continue
        for basis in (fresh, kept):
            counts["answers"] += 1
            try:
                answer = basis.answering.answer(question)
            except Exception as exc:
                counts["failed_answers"] += 1
                errors.append(f"answer: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            counts["unanswered"] += not answer.citations
    return {
        **counts,
        "builds_opened": len(folders),
        "kept_folder_exists": kept.answering.index.folder.exists(),
        "errors": errors[:5],
    }


def machine() -> str:
    cpus = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()}, {cpus} cores, {memory:.0f} GiB, Python {platform.python_version()}"


def spawn(role: str, args: argparse.Namespace, *extra: str) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        __file__,
        "--role",
        role,
        "--work",
        str(args.work),
        "--rounds",
        str(args.rounds),
    ]
    command += ["--keep", str(args.keep), *(["--quick"] if args.quick else []), *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def last_json(process: subprocess.Popen[str]) -> dict[str, object]:
    out, _ = process.communicate()
    if process.returncode != 0:
        sys.exit(f"a worker failed (exit {process.returncode}):\n{out}")
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Fixture knowledge base and hashing embedder.")
    parser.add_argument("--rounds", type=int, default=50, help="How many rebuilds.")
    parser.add_argument(
        "--keep", type=float, default=0.0, help="BASIS_BUILD_KEEP_SECONDS (0: the hardest case)."
    )
    parser.add_argument("--role", choices=["main", "rebuild", "read"], default="main")
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    if args.role != "main":
        settings = settings_for(args.work, args.keep)
        embedder = bench_embedder(args.quick, settings)
        if args.role == "rebuild":
            print(json.dumps(rebuild(settings, embedder, args.rounds)))
        else:
            print(json.dumps(read(settings, embedder, args.work / "stop", args.work / "ready")))
        return

    args.work = Path(tempfile.mkdtemp(prefix="basis-readers-"))
    source = ROOT / ("tests/fixtures/knowledge" if args.quick else "knowledge")
    shutil.copytree(source, args.work / "knowledge")
    settings = settings_for(args.work, args.keep)
    started = time.perf_counter()
    initial = build(settings, bench_embedder(args.quick, settings))
    print(f"initial build: {initial.chunks} chunks in {time.perf_counter() - started:.1f} s", flush=True)

    reader = spawn("read", args)
    while not (args.work / "ready").exists():
        if reader.poll() is not None:
            sys.exit(last_json(reader))
        time.sleep(0.2)
    started = time.perf_counter()
    try:
        rebuilt = last_json(spawn("rebuild", args))
    finally:
        (args.work / "stop").touch()
    seen = last_json(reader)
    seconds = time.perf_counter() - started
    shutil.rmtree(args.work, ignore_errors=True)
    mode = "quick (fixture, hashing embedder)" if args.quick else "knowledge/, real model"
    print(f"machine: {machine()}; {mode}")
    rebuilds = f"{rebuilt['rebuilds']} rebuilds (mean {rebuilt['mean_rebuild_s']} s)"
    print(f"{rebuilds} in {seconds:.0f} s, grace {args.keep} s")
    print(
        f"opens {seen['opens']}, failed opens {seen['failed_opens']}, builds opened {seen['builds_opened']}"
    )
    print(
        f"answers {seen['answers']}, failed answers {seen['failed_answers']} "
        f"(answered without a citation: {seen['unanswered']}); "
        f"the kept reader's build still on disk: {seen['kept_folder_exists']}"
    )
    for error in seen["errors"]:
        print(f"  {error}")
    if seen["failed_opens"] or seen["failed_answers"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
