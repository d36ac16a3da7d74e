"""Two `basis run` processes under load, with a knowledge-base change in the middle.

Through the local Discord emulator, two real `basis run` subprocesses each run half the shards
over one copy of the knowledge base and index, one Redis (the shared rate limit) and one
PostgreSQL (feedback, question log, audit trail, writer lock; `--state sqlite`: one shared data
directory instead). Simulated users in guilds on every shard ask `/ask` questions on a seeded
schedule (each user's questions reach both processes); halfway through a moderator adds a
document with `/kb add` through one process. Checked, and the exit status says whether all held:

- every interaction gets exactly one reply (0 lost, 0 duplicated), acknowledged within 3 s;
- the rate-limit refusals are exactly the questions past each user's budget, in arrival order
  (the window is longer than the run, and a user's questions are seconds apart);
- every question sent after the new build was published was answered from it (the question
  log's `index_build`, joined on the answer id in the reply's buttons), and questions about the
  new document cite it.

    python bench/load_test.py                      # 500 questions, 100 users, 60 s, 2 shards
    python bench/load_test.py --questions 60 --users 12 --seconds 20   # a small trial
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fill_question_log import IN_SCOPE, IN_SCOPE_ZH, OUT_OF_SCOPE  # noqa: E402
from bot.discord_app.strings import STRINGS  # noqa: E402
from bot.glossary import Glossary  # noqa: E402
from bot.records.questions import LoggedQuestion  # noqa: E402
from bot.records.stores import open_stores  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from tests.discord_app.emulator import DiscordEmulator, RestCall, SentInteraction, Upload  # noqa: E402
from tests.services import PostgresServer, RedisServer  # noqa: E402

PROCESSES = 2
RATE_LIMIT = 5
USER_GAP = 2.0  # seconds between one user's questions, so their arrival order is unambiguous
HEAVY_USERS, HEAVY_WEIGHT = 0.2, 3  # a fifth of the users ask about three times as much
NEW_DOC_SHARE = 0.1  # share of the questions after the change that ask about the new document
ACK_LIMIT = 3.0  # Discord drops an interaction not acknowledged within 3 s
CONNECT_TIMEOUT = 600.0
SETTLE = 5.0  # seconds waited after the last reply, so a late duplicate would be seen
# The rate-limit reply opens with these words in English and in Chinese (a Chinese asker is refused in
# Chinese): the fixed text of each template up to its first field.
REFUSAL = tuple(template.split("{", 1)[0] for template in STRINGS["rate_limited"])
CALLBACK = "/interactions/{interaction_id}/{token}/callback"
ANSWER_ID = re.compile(r"^basis:vote:(?:up|down):(?P<id>[\w-]+)$")
# discord.py's log line, plain ("[when] [INFO    ] name: text") or coloured (ANSI codes stripped).
SWAP_LINE = re.compile(
    r"^\[?(?P<at>[\d-]+ [\d:]+)\]? \[?INFO\s*\]? bot\.[\w.]+:? swapped to the published index"
)
ANSI = re.compile(r"\x1b\[[\d;]*m")
WARM_UP = ["What is a deemed export?", "什么是视同出口？"]  # loads the model's and CC-CEDICT's lazy parts

NEW_DOC_ID = "lunar-relay-export-act"
NEW_DOC = Upload(
    "lunar-relay-export-act.md",
    """\
---
id: lunar-relay-export-act
title: "Lunar Relay Export Review Act"
source_type: bill
citation: "H.R. 9871"
url: https://example.org/hr9871
published: 2026-11-20
as_of: 2026-11-30
topics: [bills]
summary_zh: "月球中继出口审查法案。"
sources:
  - title: "H.R. 9871"
    url: https://example.org/hr9871
    date: 2026-11-20
---
## What the bill would do

The Lunar Relay Export Review Act would require a licence from the Bureau of Industry and
Security before any lunar relay transponder is exported. Makers of lunar relay transponders
would report every shipment of a lunar relay transponder within 30 days.
""".encode(),
)
NEW_DOC_QUESTIONS = [
    "What would the Lunar Relay Export Review Act require?",
    "Does exporting a lunar relay transponder need a licence under the Lunar Relay Export Review Act?",
    "Who must report lunar relay transponder shipments?",
]


@dataclass(frozen=True)
class Planned:
    """One question of the schedule: when (seconds from the start), who, where, what."""

    n: int
    at: float
    user: int
    guild: int
    question: str
    about_new_doc: bool
    refusal_due: bool


@dataclass
class Outcome:
    planned: Planned
    sent: SentInteraction
    process: int
    replies: list[RestCall] = field(default_factory=list)
    acks: list[RestCall] = field(default_factory=list)  # successful callbacks
    refused_acks: int = 0  # callbacks the emulator refused as a second acknowledgement

    @property
    def refused(self) -> bool:
        return len(self.replies) == 1 and _content(self.replies[0]).startswith(REFUSAL)

    @property
    def answer_id(self) -> str | None:
        """The answer id in the reply's 👍 button (answers and declines both carry one)."""
        if len(self.replies) != 1:
            return None
        rows = self.replies[0].body.get("components") or []
        ids = [c.get("custom_id", "") for row in rows for c in row.get("components", [])]
        return next((m["id"] for i in ids if (m := ANSWER_ID.match(i))), None)

    @property
    def latency(self) -> float:
        return self.replies[0].at - self.sent.at


def _content(call: RestCall) -> str:
    body = call.body or {}
    return (body.get("data") or body).get("content") or ""


# ----------------------------------------------------------------- the schedule


def question_pools(knowledge_dir: Path) -> list[list[str]]:
    """English (hand-written and glossary terms), Chinese, and questions outside the knowledge base."""
    entries = Glossary.load(knowledge_dir).entries
    english = IN_SCOPE + [f"What is {e.term}?" for e in entries]
    chinese = IN_SCOPE_ZH + [f"什么是{e.zh[0]}？" for e in entries if e.zh and e.zh[0] != e.term]
    return [english, chinese, OUT_OF_SCOPE]


def plan(args: argparse.Namespace, pools: list[list[str]], guilds: int, change_at: float) -> list[Planned]:
    """A seeded schedule: per-user counts skewed so some users pass the budget, each user's
    questions at least USER_GAP apart, consecutive ones in guilds of different processes."""
    rng = random.Random(args.seed)
    most = int(args.seconds // USER_GAP) + 1
    if args.questions > most * args.users or args.questions < args.users:
        raise SystemExit(f"{args.questions} questions do not fit {args.users} users over {args.seconds} s")
    heavy = set(rng.sample(range(args.users), max(1, round(args.users * HEAVY_USERS))))
    counts = [1] * args.users
    for _ in range(args.questions - args.users):
        open_ = [u for u in range(args.users) if counts[u] < most]
        weights = [HEAVY_WEIGHT if u in heavy else 1 for u in open_]
        counts[rng.choices(open_, weights)[0]] += 1
    arrivals = []
    for user, count in enumerate(counts):
        span = args.seconds - (count - 1) * USER_GAP
        offsets = sorted(rng.uniform(0, span) for _ in range(count))
        arrivals += [(offset + i * USER_GAP, user, i) for i, offset in enumerate(offsets)]
    planned = []
    for n, (at, user, i) in enumerate(sorted(arrivals)):
        about_new = at >= change_at and rng.random() < NEW_DOC_SHARE
        pool = NEW_DOC_QUESTIONS if about_new else rng.choices(pools, weights=[50, 25, 25])[0]
        planned.append(
            Planned(n, at, user, (user + i) % guilds, rng.choice(pool), about_new, i >= RATE_LIMIT)
        )
    return planned


# ----------------------------------------------------------------- machine and servers


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem_kb / 2**20:.0f} GiB RAM, "
        f"Python {platform.python_version()}; load average at start {load}"
    )


@contextlib.contextmanager
def shared_state(env: dict[str, str], workdir: Path, backend: str) -> Iterator[str]:
    """Where both processes keep feedback, the question log and the audit trail, set in `env`;
    yields a description. `postgres` (the default): a PostgreSQL server started here, named by
    BASIS_DATABASE_URL. `sqlite`: one SQLite data directory both open (the embedded default)."""
    data = workdir / "data"
    env["BASIS_DATA_DIR"] = str(data)
    if backend == "sqlite":
        yield f"SQLite in one shared data directory ({data})"
        return
    server = PostgresServer()
    try:
        server.start()
        env["BASIS_DATABASE_URL"] = server.url
        yield f"PostgreSQL {server.url.rsplit('@', 1)[-1]} (BASIS_DATABASE_URL)"
    finally:
        server.remove()


def logged_answers(env: dict[str, str], since: datetime) -> dict[str, LoggedQuestion]:
    """The question log both processes wrote, by answer id (read through the same stores)."""
    settings = load_settings(data_dir=Path(env["BASIS_DATA_DIR"]), database_url=env.get("BASIS_DATABASE_URL"))
    stores = open_stores(settings)
    try:
        return {q.answer_id: q for q in stores.questions().since(since)}
    finally:
        stores.close()


class IndexWatcher(threading.Thread):
    """Resolves `index/current` every 20 ms and notes when it names a new build."""

    def __init__(self, index_dir: Path) -> None:
        super().__init__(daemon=True)
        self.link = index_dir / "current"
        self.first = self.link.resolve().name
        self.changes: list[tuple[float, float, str]] = []  # (monotonic, wall clock, build)
        self.halt = threading.Event()

    def run(self) -> None:
        last = self.first
        while not self.halt.wait(0.02):
            name = self.link.resolve().name
            if name != last:
                self.changes.append((time.monotonic(), time.time(), name))
                last = name


class Processes:
    """The `basis run` subprocesses, logging to files; stopped (SIGINT, then SIGKILL) on exit."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.running: list[subprocess.Popen[bytes]] = []
        self.logs: list[Path] = []

    def start(self, env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
        log = self.workdir / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=self.workdir,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.running.append(process)
        self.logs.append(log)
        return process

    def stop(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.send_signal(2)
        for process in self.running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def tails(self, lines: int = 40) -> str:
        return "\n".join(
            f"--- {log.name} (last {lines} lines)\n"
            + "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
            for log in self.logs
        )


def base_env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BASIS_", "DISCORD_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["BASIS_KNOWLEDGE_DIR"] = str(workdir / "knowledge")
    env["BASIS_INDEX_DIR"] = str(workdir / "index")
    return env


def build_index(env: dict[str, str], workdir: Path, seed: Path | None) -> float:
    """Copy the knowledge base and build its index once (from `seed`'s current build's vectors
    when given, so unchanged documents are not embedded again); returns seconds taken."""
    shutil.copytree(ROOT / "knowledge", workdir / "knowledge")
    index = workdir / "index"
    if seed is not None:
        build = (seed / "current").resolve()
        shutil.copytree(build, index / "builds" / build.name)
        (index / "current").symlink_to(Path("builds") / build.name)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "index", "build"], cwd=workdir, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"basis index build failed:\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - started


# ----------------------------------------------------------------- the run


async def connect(emulator: DiscordEmulator, processes: Processes, shards: int) -> None:
    waiting = asyncio.create_task(emulator.wait_connected(shards=shards, timeout=CONNECT_TIMEOUT))
    while not waiting.done():
        if any(p.poll() is not None for p in processes.running):
            waiting.cancel()
            raise RuntimeError("a basis run process exited before connecting")
        await asyncio.sleep(0.5)
    waiting.result()


async def warm_up(emulator: DiscordEmulator, channels: list[int], owner: list[int]) -> float:
    """One English and one Chinese question to each process first, by users outside the
    schedule, so the figures are of warm processes (the first Chinese question loads CC-CEDICT)."""
    started = time.perf_counter()
    firsts = [channels[owner.index(p)] for p in range(PROCESSES)]
    sent = [
        await emulator.slash("ask", user=emulator.make_user(f"warm{i}"), channel_id=channel, question=q)
        for i, (channel, q) in enumerate((c, q) for c in firsts for q in WARM_UP)
    ]
    for interaction in sent:
        await emulator.followups(interaction, timeout=300)
    return time.perf_counter() - started


async def drive(
    emulator: DiscordEmulator,
    planned: list[Planned],
    channels: list[int],
    owner: list[int],
    change_at: float,
) -> tuple[list[Outcome], SentInteraction, float]:
    """Send the schedule (and the `/kb add` at `change_at`); returns outcomes, the change, t0."""
    users = {u: emulator.make_user(f"user{u}") for u in {p.user for p in planned}}
    moderator = emulator.make_user("moderator")
    t0 = time.monotonic() + 1.0
    outcomes: list[Outcome] = []
    change: SentInteraction | None = None
    for p in planned:
        if change is None and p.at >= change_at:
            await asyncio.sleep(max(0.0, t0 + change_at - time.monotonic()))
            change = await emulator.slash(
                "kb add",
                user=moderator,
                roles=(emulator.moderator_role_id,),
                channel_id=channels[0],
                file=NEW_DOC,
            )
        await asyncio.sleep(max(0.0, t0 + p.at - time.monotonic()))
        sent = await emulator.slash(
            "ask", user=users[p.user], channel_id=channels[p.guild], question=p.question
        )
        outcomes.append(Outcome(p, sent, owner[p.guild]))
    assert change is not None, "the change falls after the last question"
    return outcomes, change, t0


def collect(emulator: DiscordEmulator, outcomes: list[Outcome]) -> None:
    for o in outcomes:
        o.replies = emulator.replies(o.sent)
        callbacks = [
            c for c in emulator.calls if c.route == CALLBACK and c.params["interaction_id"] == str(o.sent.id)
        ]
        o.acks = [c for c in callbacks if c.status == 200]
        o.refused_acks = sum(
            1 for c in callbacks if c.status == 400 and (c.response or {}).get("code") == 40060
        )


async def settle(
    emulator: DiscordEmulator, outcomes: list[Outcome], change: SentInteraction, timeout: float
) -> None:
    """Wait until every interaction (and the change) has a reply or `timeout` passes, then SETTLE more."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if emulator.replies(change) and all(emulator.replies(o.sent) for o in outcomes):
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(SETTLE)
    collect(emulator, outcomes)


def percentiles(values: list[float]) -> str:
    if not values:
        return "—"
    ms = sorted(v * 1000 for v in values)
    cuts = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
    return f"p50 {cuts[49]:.0f} ms, p95 {cuts[94]:.0f} ms, max {ms[-1]:.0f} ms (n={len(ms)})"


def other_swap(log: Path, published_wall: float) -> str:
    """When the process that did not rebuild logged its swap (its log stamps are to the second)."""
    published = datetime.fromtimestamp(published_wall).strftime("%H:%M:%S.%f")[:-3]
    for line in log.read_text(errors="replace").splitlines():
        if m := SWAP_LINE.match(ANSI.sub("", line)):
            return f"logged at {m['at'][-8:]} (publish at {published}; log stamps are to the second)"
    return f"no swap logged (publish at {published})"


def report(
    outcomes: list[Outcome],
    change: SentInteraction,
    change_reply: list[RestCall],
    watcher: IndexWatcher,
    logged: dict[str, LoggedQuestion],
    t0: float,
    processes: Processes,
) -> list[str]:
    """Print the figures; returns the checks that failed."""
    failures = []
    lost = [o for o in outcomes if not o.replies]
    duplicated = [o for o in outcomes if len(o.replies) > 1 or o.refused_acks or len(o.acks) > 1]
    late = [o for o in outcomes if o.acks and o.acks[0].at - o.sent.at > ACK_LIMIT]
    due = {o.planned.n for o in outcomes if o.planned.refusal_due}
    refused = {o.planned.n for o in outcomes if o.refused}
    answered = [o for o in outcomes if len(o.replies) == 1 and not o.refused]
    print(f"questions sent          {len(outcomes)}")
    declined = sum(1 for o in answered if o.answer_id in logged and logged[o.answer_id].declined)
    print(f"answered                {len(answered)} ({declined} of them declined as not covered)")
    print(
        f"refused (rate limit)    {len(refused)} (due {len(due)}; "
        f"{len(refused - due)} refused but not due, {len(due - refused)} due but not refused)"
    )
    print(f"lost / duplicated       {len(lost)} / {len(duplicated)}")
    print(f"acknowledged > {ACK_LIMIT:g} s      {len(late)}")
    acks = [o.acks[0].at - o.sent.at for o in outcomes if o.acks]
    print(f"slash → callback        {percentiles(acks)}")
    failures += [f"{len(lost)} lost"] if lost else []
    failures += [f"{len(duplicated)} duplicated"] if duplicated else []
    failures += [f"{len(late)} acknowledged after {ACK_LIMIT:g} s"] if late else []
    if refused != due:
        failures.append(f"refusals off: not due {sorted(refused - due)}, missing {sorted(due - refused)}")

    if not change_reply or not _content(change_reply[0]).startswith("Added "):
        failures.append(f"/kb add did not report success: {[_content(c) for c in change_reply]}")
    after = [c for c in watcher.changes if c[0] >= change.at]
    if not after:
        failures.append("no new index was published after /kb add")
        published_at, published_wall, new_build = float("inf"), 0.0, ""
    else:
        published_at, published_wall, new_build = after[0]
        print(
            f"/kb add sent            {change.at - t0:.2f} s; new build {new_build} "
            f"published {published_at - t0:.2f} s ({published_at - change.at:.2f} s after the command)"
        )
        print(f"other process swap      {other_swap(processes.logs[1], published_wall)}")
    if len(watcher.changes) > 1:
        failures.append(f"{len(watcher.changes)} publishes seen, expected 1: {watcher.changes}")

    before = [o for o in answered if o.sent.at < published_at]
    post = [o for o in answered if o.sent.at >= published_at]
    print(f"answer follow-up        {percentiles([o.latency for o in answered])}")
    print(f"  sent before publish   {percentiles([o.latency for o in before])}")
    print(f"  sent after publish    {percentiles([o.latency for o in post])}")
    print(f"refusal reply           {percentiles([o.latency for o in outcomes if o.refused])}")
    unlogged = [o for o in answered if o.answer_id not in logged]
    if unlogged:
        failures.append(
            f"{len(unlogged)} answers missing from the question log (answer ids "
            f"{[o.answer_id for o in unlogged[:5]]})"
        )
    old = [o for o in post if o.answer_id in logged and logged[o.answer_id].index_build != new_build]
    print(f"answers after publish   {len(post)}, from the old build: {len(old)}")
    if old:
        failures.append(f"{len(old)} answers sent after the publish came from an old build")
    for process in range(PROCESSES):
        mine = [o for o in post if o.process == process and o.answer_id in logged]
        first = min(mine, key=lambda o: o.sent.at, default=None)
        if first is not None:
            print(
                f"  process {process}: first question after publish sent "
                f"+{first.sent.at - published_at:.2f} s, from build {logged[first.answer_id].index_build}"
            )
    about = [o for o in post if o.planned.about_new_doc]
    citing = [o for o in about if o.answer_id in logged and NEW_DOC_ID in logged[o.answer_id].cited]
    print(f"new-document questions  after publish {len(about)}, citing it {len(citing)}")
    if len(citing) != len(about):
        failures.append(
            f"{len(about) - len(citing)} questions about the new document after publish do not cite it"
        )
    return failures


async def run(args: argparse.Namespace, workdir: Path) -> list[str]:
    env = base_env(workdir)
    built = build_index(env, workdir, args.index_from)
    print(f"index built in {built:.1f} s")
    redis = RedisServer(workdir)
    emulator = DiscordEmulator()
    processes = Processes(workdir)
    watcher = IndexWatcher(workdir / "index")
    change_at = args.seconds / 2
    try:
        redis.start()
        await emulator.start()
        per = args.shards // PROCESSES
        order = [p * per + i for i in range(per) for p in range(PROCESSES)]  # alternates processes
        channels = [(await emulator.add_guild(shard, args.shards))[1] for shard in order]
        owner = [shard // per for shard in order]
        env |= {
            "DISCORD_TOKEN": emulator.token,
            "BASIS_DISCORD_API_BASE": emulator.api_base,
            "BASIS_DISCORD_GATEWAY_URL": emulator.gateway_url,
            "BASIS_MODERATOR_ROLE_IDS": str(emulator.moderator_role_id),
            "BASIS_REDIS_URL": redis.url,
            "BASIS_RATE_LIMIT_COUNT": str(RATE_LIMIT),
            "BASIS_RATE_LIMIT_SECONDS": "600",
            "BASIS_SHARD_COUNT": str(args.shards),
            "BASIS_QUESTION_LOG": "true",
        }
        with shared_state(env, workdir, args.state) as state:
            planned = plan(args, question_pools(workdir / "knowledge"), len(channels), change_at)
            print(
                f"settings                {args.questions} questions, {args.users} users, "
                f"{args.seconds:g} s, "
                f"{args.shards} shards over {PROCESSES} processes, seed {args.seed}, rate limit "
                f"{RATE_LIMIT} per 600 s (Redis), index poll {env.get('BASIS_INDEX_POLL_SECONDS', '5')} s, "
                f"{state}, /kb add at {change_at:g} s"
            )
            started = time.perf_counter()
            for p in range(PROCESSES):
                ids = f"{p * per}-{(p + 1) * per - 1}" if per > 1 else str(p)
                processes.start(env | {"BASIS_SHARD_IDS": ids}, f"process{p}")
            await connect(emulator, processes, args.shards)
            print(f"both processes connected in {time.perf_counter() - started:.1f} s")
            print(f"warm-up                 {await warm_up(emulator, channels, owner):.1f} s")
            watcher.start()
            since = datetime.now(UTC) - timedelta(seconds=1)
            outcomes, change, t0 = await drive(emulator, planned, channels, owner, change_at)
            await settle(emulator, outcomes, change, args.settle_timeout)
            watcher.halt.set()
            failures = report(
                outcomes, change, emulator.replies(change), watcher, logged_answers(env, since), t0, processes
            )
            exited = [p.returncode for p in processes.running if p.poll() is not None]
            if exited:
                failures.append(f"a basis run process exited during the run (status {exited})")
    except BaseException:
        print(processes.tails(), file=sys.stderr)
        raise
    finally:
        watcher.halt.set()
        processes.stop()
        await emulator.close()
        redis.kill()
    if failures:
        print(processes.tails(), file=sys.stderr)
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--shards", type=int, default=2, help="Total shards, split evenly over the two processes."
    )
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--settle-timeout", type=float, default=120.0, help="Longest wait for the last replies."
    )
    parser.add_argument(
        "--index-from",
        type=Path,
        help="An index folder whose current build seeds the vectors (faster build).",
    )
    parser.add_argument(
        "--state",
        choices=("postgres", "sqlite"),
        default="postgres",
        help="Where feedback, the question log, audit trail and writer lock are shared.",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder (logs, data).")
    args = parser.parse_args()
    if args.shards < PROCESSES or args.shards % PROCESSES:
        parser.error(f"--shards must be a positive multiple of {PROCESSES}")
    print(f"machine                 {machine()}")
    workdir = Path(tempfile.mkdtemp(prefix="basis-load-"))
    try:
        failures = asyncio.run(run(args, workdir))
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    for failure in failures:
        print(f"FAILED: {failure}")
    print("all checks passed" if not failures else f"{len(failures)} checks failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
