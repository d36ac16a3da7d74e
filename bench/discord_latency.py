"""How fast does the Discord bot respond? 50 /ask questions through the local Discord emulator.

Runs the real bot (`bot.discord_app.start`, as `basis run` does) with the configured model and
index against the emulator on 127.0.0.1, and prints p50/p95 from INTERACTION_CREATE to the
defer callback and to the first follow-up (the answer). Build the index first:

    basis index build && python bench/discord_latency.py [--questions 50] [--concurrency 1]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.emulated_bot import running_bot
from bot.glossary import Glossary
from bot.settings import Settings
from tests.discord_app.emulator import DiscordEmulator, SentInteraction

QUESTIONS = [
    "What is a deemed export?",
    "What legal authority did the government use for the Anthropic order?",
    "Does releasing source code to a foreign national in the US need a licence?",
    "What is the Entity List?",
    "What does EAR99 mean?",
    "Is a bill the same as a law?",
    "What is the 50 percent affiliates rule?",
    "When was the directive lifted?",
    "What is fundamental research?",
    "What are the penalties under ECRA?",
]


def questions(settings: Settings, count: int) -> list[str]:
    """Fixed questions first, then "What is <term>?" for glossary terms, repeated as needed."""
    terms = [f"What is {e.term}?" for e in Glossary.load(settings.knowledge_dir).entries]
    pool = QUESTIONS + terms
    return [pool[i % len(pool)] for i in range(count)]


async def ask(emulator: DiscordEmulator, question: str, n: int) -> tuple[float, float]:
    sent: SentInteraction = await emulator.slash(
        "ask", user=emulator.make_user(f"user{n}"), question=question
    )
    deferred = await emulator.callback(sent, timeout=30)
    (answered, *_) = await emulator.followups(sent, timeout=60)
    return deferred.at - sent.at, answered.at - sent.at


def report(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p50 = statistics.median(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"{name:<32} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   max {ms[-1]:7.1f} ms"


async def main(count: int, concurrency: int, data_dir: Path) -> None:
    async with running_bot(rate_limit_count=count + 1, data_dir=data_dir) as (emulator, settings):
        limit = asyncio.Semaphore(concurrency)

        async def one(n: int, question: str) -> tuple[float, float]:
            async with limit:
                return await ask(emulator, question, n)

        results = await asyncio.gather(*(one(n, q) for n, q in enumerate(questions(settings, count))))
    print(f"{count} questions, concurrency {concurrency}, model {settings.model}")
    print(report("INTERACTION_CREATE → defer", [d for d, _ in results]))
    print(report("INTERACTION_CREATE → follow-up", [a for _, a in results]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as feedback_dir:
        asyncio.run(main(args.questions, args.concurrency, Path(feedback_dir)))
