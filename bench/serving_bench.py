"""Serving cost, ONNX Runtime against the torch baseline, in one run on one machine.

For each runtime (BASIS_RUNTIME=onnx, the default, and torch, the sentence-transformers path that
needs the train extra) it prints:

- cold one-off `basis ask` wall time, from process start to the printed answer (median and max of
  --runs; the onnx model cache is filled by one run first, reported apart);
- warm search and ask p50/p95 in one process, model already loaded;
- peak RSS of the real bot (`bot.discord_app.start`, what `basis run` runs) answering --questions
  /ask interactions through the local Discord emulator (which runs in the same process);
- a full build of ../shared/corpus into a temporary index (skip with --skip-build).

Build the index first (`basis index build`), then:

    python bench/serving_bench.py [--runs 5] [--questions 30] [--runtime onnx torch] [--skip-build]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTION = "What is a deemed export?"
QUESTIONS = [
    "What is a deemed export?",
    "What legal authority did the government use for the Anthropic order?",
    "Does releasing source code to a foreign national in the US need a licence?",
    "What is the Entity List?",
    "什么是视同出口？",
    "Is a bill the same as a law?",
    "What is the 50 percent affiliates rule?",
    "Can the government control remote access to a model?",
    "What is fundamental research?",
    "What are the penalties under ECRA?",
]


def child_env(runtime: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "BASIS_RUNTIME": runtime, "PYTHONPATH": str(ROOT), **extra}


def run(command: list[str], env: dict[str, str]) -> str:
    """Run a child; its stderr becomes the error when it fails."""
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return done.stdout


def cold_ask(runtime: str, runs: int) -> dict[str, float]:
    """Wall time of whole `basis ask` processes (interpreter start to exit, answer printed)."""
    command = [sys.executable, "-m", "bot", "ask", QUESTION]

    def once() -> float:
        started = time.perf_counter()
        run(command, child_env(runtime))
        return time.perf_counter() - started

    first = once()  # fills the onnx model cache when it is empty
    times = [once() for _ in range(runs)]
    return {"first_s": first, "median_s": statistics.median(times), "max_s": max(times)}


def warm(questions: int) -> dict[str, float]:
    """In this process: model loaded, then search and ask timed per question."""
    from bench.retrieval_bench import percentile
    from bot.service import Basis
    from bot.settings import load_settings

    basis = Basis.open(load_settings())
    basis.warm()
    pool = [QUESTIONS[i % len(QUESTIONS)] for i in range(questions)]
    basis.answering.answer(pool[0])
    search_ms, ask_ms = [], []
    for question in pool:
        started = time.perf_counter()
        basis.answering.search(question)
        search_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        basis.answering.answer(question)
        ask_ms.append((time.perf_counter() - started) * 1000)
    return {
        "search_p50_ms": statistics.median(search_ms),
        "search_p95_ms": percentile(search_ms, 95),
        "ask_p50_ms": statistics.median(ask_ms),
        "ask_p95_ms": percentile(ask_ms, 95),
    }


def serve(questions: int) -> dict[str, float]:
    """The real bot against the emulator answers `questions` /ask interactions; peak RSS after."""
    from bench.emulated_bot import running_bot

    async def run() -> None:
        with tempfile.TemporaryDirectory() as data:
            async with running_bot(rate_limit_count=questions + 1, data_dir=Path(data)) as (emulator, _):
                for n in range(questions):
                    user = emulator.make_user(f"user{n}")
                    sent = await emulator.slash("ask", user=user, question=QUESTIONS[n % len(QUESTIONS)])
                    await emulator.followups(sent, timeout=120)

    asyncio.run(run())
    return {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def corpus_build(runtime: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as index:
        env = child_env(
            runtime, BASIS_KNOWLEDGE_DIR=str(ROOT.parent / "shared" / "corpus"), BASIS_INDEX_DIR=index
        )
        started = time.perf_counter()
        run([sys.executable, "-m", "bot", "index", "build"], env)
        return {"corpus_build_s": time.perf_counter() - started}


def in_child(step: str, runtime: str, questions: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", step, "--questions", str(questions)]
    return json.loads(run(command, child_env(runtime)).strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--runtime", nargs="+", default=["onnx", "torch"], choices=["onnx", "torch"])
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--child", choices=["warm", "serve"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(warm(args.questions) if args.child == "warm" else serve(args.questions)))
        return
    print(
        f"{time.strftime('%Y-%m-%d')} · {platform.machine()} · {os.cpu_count()} cores · "
        f"load average {os.getloadavg()[0]:.2f} · Python {platform.python_version()}"
    )
    results: dict[str, dict[str, float]] = {}
    for runtime in args.runtime:
        row = {**cold_ask(runtime, args.runs)}
        row |= in_child("warm", runtime, args.questions)
        row |= in_child("serve", runtime, args.questions)
        if not args.skip_build:
            row |= corpus_build(runtime)
        results[runtime] = row
        print(runtime, json.dumps({k: round(v, 3) for k, v in row.items()}), flush=True)
    keys = list(next(iter(results.values())))
    print(f"\n{'':<18}" + "".join(f"{r:>12}" for r in results))
    for key in keys:
        print(f"{key:<18}" + "".join(f"{results[r][key]:>12.1f}" for r in results))


if __name__ == "__main__":
    main()
