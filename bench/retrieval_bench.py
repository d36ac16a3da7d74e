"""Retrieval and answer benchmarks on an index of ../shared/corpus (prints numbers; not a test).

Measures: build throughput next to raw `model.encode` throughput on the same chunk texts,
rebuild time after editing one document, search and ask latency over the dev questions in a
warm process (model load reported separately), cold start to first result, and peak RSS.
"""

from __future__ import annotations

import json
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from bot.indexing import store  # noqa: E402
from bot.indexing.build import build_index  # noqa: E402
from bot.indexing.chunking import embed_text  # noqa: E402
from bot.service import (  # noqa: E402
    Basis,
    chunker_config,
    embedder_for,
)
from bot.settings import load_settings  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def questions() -> list[str]:
    rows = []
    for name in ("dev-corpus.jsonl", "dev-knowledge.jsonl"):
        rows += [json.loads(line)["question"] for line in (SHARED / "eval" / name).read_text().splitlines()]
    return rows


def main() -> None:
    if not (SHARED / "corpus").is_dir():
        sys.exit(f"The shared corpus is not at {SHARED / 'corpus'}; nothing to benchmark.")
    work = Path(tempfile.mkdtemp(prefix="basis-bench-"))
    corpus = work / "corpus"
    shutil.copytree(SHARED / "corpus", corpus)
    settings = load_settings(knowledge_dir=corpus, index_dir=work / "index", _env_file=None)
    started = time.perf_counter()
    embedder = embedder_for(settings)
    load_s = time.perf_counter() - started
    embedder.encode(["warm-up: the first call initialises torch's thread pool"] * 8)
    config = chunker_config(settings)

    report = build_index(corpus, settings.index_dir, embedder, config, settings.ann_threshold)
    build_rate = report.chunks / report.seconds

    folder = store.current_folder(settings.index_dir)
    docs = {d.id: d for d in store.read_documents(folder)}
    texts = [embed_text(docs[c.doc_id], c) for c in store.read_chunks(folder)]
    started = time.perf_counter()
    embedder.encode(texts)
    raw_s = time.perf_counter() - started
    raw_rate = len(texts) / raw_s

    target = corpus / "ecfr-15cfr-738.2-ccl-structure.md"
    target.write_text(target.read_text() + "\n\nAn edit made by the benchmark.\n")
    edit = build_index(corpus, settings.index_dir, embedder, config, settings.ann_threshold)

    basis = Basis.open(settings, embedder=embedder)
    qs = questions()
    for q in qs:
        basis.answering.answer(q)
    search_ms, ask_ms = [], []
    for _ in range(3):
        for q in qs:
            t = time.perf_counter()
            basis.answering.search(q)
            search_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            basis.answering.answer(q)
            ask_ms.append((time.perf_counter() - t) * 1000)

    env = {"BASIS_INDEX_DIR": str(settings.index_dir), "PATH": str(Path(sys.executable).parent)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", "search", "--json", "What is a deemed export?"],
        check=True,
        capture_output=True,
        env=env,
        cwd=work,
    )
    cold_s = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"machine: {platform.machine()}, {platform.python_version()}, {__import__('os').cpu_count()} cores")
    print(f"date: {time.strftime('%Y-%m-%d')}")
    print(f"model load: {load_s:.2f} s")
    print(f"build: {report.chunks} chunks in {report.seconds:.1f} s = {build_rate:.1f} chunks/s")
    print(f"raw encode: {len(texts)} texts in {raw_s:.1f} s = {raw_rate:.1f} chunks/s")
    print(f"build / raw encode: {build_rate / raw_rate:.2f}")
    print(f"rebuild after editing one document: {edit.seconds:.2f} s ({edit.embedded} chunks embedded)")
    print(
        f"search latency over {len(search_ms)} queries: p50 {statistics.median(search_ms):.1f} ms, "
        f"p95 {percentile(search_ms, 95):.1f} ms"
    )
    print(f"ask latency (warm): p50 {statistics.median(ask_ms):.1f} ms, p95 {percentile(ask_ms, 95):.1f} ms")
    print(f"cold start to first search result (new process): {cold_s:.2f} s")
    print(f"peak RSS: this process {rss_mb:.0f} MB, cold-start process {child_mb:.0f} MB")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
