"""Fill a question log through Discord: 200 /ask questions via the local Discord emulator.

Runs the real bot (`bot.discord_app.start`, as `basis run` does) with the configured model and
index against the emulator on 127.0.0.1: English and Chinese questions (glossary terms and
hand-written ones), questions outside the knowledge base so declines exist, and 👍 / 👎 pressed
on some answers by the askers. Each question comes from its own emulated member. Then:

    python bench/fill_question_log.py --data /tmp/basis-bench   # [--questions 200]
    BASIS_DATA_DIR=/tmp/basis-bench basis report --html report.html
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.emulated_bot import running_bot
from bot.glossary import Glossary
from bot.settings import Settings

IN_SCOPE = [
    "Does showing controlled source code to a visiting engineer from abroad count as an export?",
    "Who sent the June directive to Anthropic?",
    "Why were Fable 5 and Mythos 5 switched off?",
    "Has the legal basis of the directive been published?",
    "When was the directive lifted, and on what conditions?",
    "What does the Remote Access Security Act change?",
    "Is the Chip Security Act law yet?",
    "What is the maximum civil penalty under ECRA?",
    "Can a green-card holder receive controlled technology without a licence?",
    "What happened to the AI Diffusion rule?",
    "What did the House letter ask for?",
    "What is the Legion LegalTech lawsuit about?",
    "Does the 50 percent affiliates rule still apply?",
    "What counts as fundamental research?",
    "Which ECCN covers advanced AI chips?",
]
IN_SCOPE_ZH = [
    "对 Anthropic 的指令是谁发出的？",
    "指令的法律依据公开了吗？",
    "向外国员工展示源代码算出口吗？",
    "实体清单上的公司可以买美国芯片吗？",
    "远程访问模型权重受出口管制吗？",
]
# Questions the knowledge base does not cover, in families that read alike, so the report has
# gaps to group: other countries' rules, companies and topics it lacks, and not-its-job requests.
OUT_OF_SCOPE = [
    "What are Japan's export control rules for semiconductors?",
    "How does Japan regulate exports of chip-making equipment?",
    "Japan export restrictions on lithography tools?",
    "What are the EU dual-use export regulations?",
    "How does the European Union control dual-use exports?",
    "EU dual-use regulation 2021/821 explained",
    "What are South Korea's export control laws?",
    "How much did Qualcomm pay in export penalties?",
    "What fine did Seagate pay to BIS?",
    "How do I pay less tax on my crypto gains?",
    "What is the best pizza recipe?",
    "Give me a recipe for pizza dough",
    "Write a poem about export licences",
    "Write a limerick about the Entity List",
    "Tell me a joke about customs officers",
    "Who will win the World Cup?",
    "What's the weather in Washington today?",
    "Write Python code to scrape the Federal Register",
    "日本的半导体出口管制规定是什么？",
    "欧盟的两用物项出口条例是什么？",
    "韩国的出口管制法律有哪些？",
    "给我写一首关于出口许可证的诗",
]
VOTE_DOWN_EVERY, VOTE_UP_EVERY = 9, 5


def questions(settings: Settings, count: int) -> list[str]:
    """A fixed, interleaved mix: about 1 in 4 out of scope, about 1 in 4 in Chinese."""
    entries = Glossary.load(settings.knowledge_dir).entries
    english = IN_SCOPE + [f"What is {e.term}?" for e in entries]
    chinese = IN_SCOPE_ZH + [f"什么是{e.zh[0]}？" for e in entries if e.zh and e.zh[0] != e.term]
    pools = [english, english, chinese, OUT_OF_SCOPE]
    picked, seen = [], [0] * len(pools)
    for i in range(count):
        pool = i % len(pools)
        picked.append(pools[pool][seen[pool] % len(pools[pool])])
        seen[pool] += 1
    return picked


def vote_id(message: dict, n: int) -> str | None:
    """The 👎 button on every 9th answer, 👍 on every 5th, else none."""
    ids = [c["custom_id"] for row in message.get("components", []) for c in row["components"]]
    if n % VOTE_DOWN_EVERY == 0:
        return next((i for i in ids if ":vote:down:" in i), None)
    if n % VOTE_UP_EVERY == 0:
        return next((i for i in ids if ":vote:up:" in i), None)
    return None


async def main(count: int, data_dir: Path) -> None:
    started = time.perf_counter()
    votes = 0
    async with running_bot(data_dir=data_dir, question_log=True) as (emulator, settings):
        for n, question in enumerate(questions(settings, count), start=1):
            user = emulator.make_user(f"member{n}")
            sent = await emulator.slash("ask", user=user, question=question)
            (answer, *_) = await emulator.followups(sent, timeout=60)
            if custom_id := vote_id(answer.response, n):
                pressed = await emulator.click(answer.response, custom_id, user=user)
                await emulator.callback(pressed)
                votes += 1
    print(f"{count} questions and {votes} votes in {time.perf_counter() - started:.1f} s → {data_dir}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--data", type=Path, required=True, help="The data directory to fill.")
    args = parser.parse_args()
    asyncio.run(main(args.questions, args.data))
