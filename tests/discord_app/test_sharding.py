"""Sharding: `basis run` runs the shards Discord recommends, or the count and ids it is given."""

from __future__ import annotations

import asyncio
import functools

import pytest

from bot.discord_app import sharding, shared_identify
from bot.discord_app.sharding import (
    IdentifyGate,
    ShardPlan,
    identify_waves,
    launch_in_waves,
    parse_shard_ids,
    shard_plan,
)
from bot.errors import ConfigError
from bot.settings import Settings
from tests.discord_app.emulator import DiscordEmulator
from tests.timing import VirtualTime

DEEMED = "What is a deemed export of technology to a foreign person?"
GATEWAY_BOT = "/gateway/bot"


@pytest.fixture
def pace(emulator: DiscordEmulator, monkeypatch: pytest.MonkeyPatch) -> VirtualTime:
    """The bot's identify gate on a virtual clock, which the emulator's IDENTIFY times read too.

    Discord's real 5 s per key then costs no time, and `identified_at` holds the exact times the
    gate let each shard identify (a wall clock would add the latency of each IDENTIFY, which on a
    busy machine varies by more than the margin an assertion on real spacing can leave).
    """
    virtual = VirtualTime()
    gate = functools.partial(IdentifyGate, clock=virtual.clock, sleep=virtual.sleep)
    monkeypatch.setattr(shared_identify, "IdentifyGate", gate)
    emulator.clock = virtual.clock
    return virtual


def identified(emulator: DiscordEmulator) -> list[list[int]]:
    return [p["d"].get("shard") for p in emulator.gateway_ops(2)]


def guilds_created(emulator: DiscordEmulator, shard_id: int) -> set[int]:
    return {int(e["d"]["id"]) for e in emulator.events(shard_id) if e["t"] == "GUILD_CREATE"}


async def ask_in(emulator: DiscordEmulator, channel_id: int) -> str:
    """Ask /ask in a channel and return the sources embed of the answer."""
    sent = await emulator.slash("ask", user=emulator.make_user("ada"), channel_id=channel_id, question=DEEMED)
    (followup,) = await emulator.followups(sent)
    return followup.body["embeds"][-1]["description"]


@pytest.mark.e2e
@pytest.mark.usefixtures("pace")
async def test_default_asks_gateway_bot_and_runs_one_shard(emulator: DiscordEmulator, run_bot):
    await run_bot()
    assert [c.status for c in emulator.calls if c.route == GATEWAY_BOT] == [200]
    assert identified(emulator) == [[0, 1]]
    assert "734.13" in await ask_in(emulator, emulator.channel_id)


@pytest.mark.e2e
@pytest.mark.usefixtures("pace")
async def test_two_shards_answer_through_either_session(emulator: DiscordEmulator, run_bot):
    guilds = [await emulator.add_guild(shard_id, 2) for shard_id in (0, 1)]
    await run_bot(shard_count=2)
    await emulator.wait_connected(shards=2)
    assert identified(emulator) == [[0, 2], [1, 2]]
    assert emulator.live_shards == [(0, 2), (1, 2)]
    # the count was given: /gateway/bot is asked only for the session start limit
    assert [c.status for c in emulator.calls if c.route == GATEWAY_BOT] == [200]
    for shard_id, (guild_id, channel_id) in enumerate(guilds):
        assert "734.13" in await ask_in(emulator, channel_id)
        (interaction,) = [
            e
            for e in emulator.events(shard_id)
            if e["t"] == "INTERACTION_CREATE" and e["d"]["channel_id"] == str(channel_id)
        ]
        assert interaction["d"]["guild_id"] == str(guild_id)
    ready = [e for shard_id in (0, 1) for e in emulator.events(shard_id) if e["t"] == "READY"]
    assert [r["d"]["shard"] for r in ready] == [[0, 2], [1, 2]]
    for shard_id in (0, 1):  # each guild arrives on its own shard's session only
        assert guilds_created(emulator, shard_id) == {
            g for g in emulator.guild_channels if (g >> 22) % 2 == shard_id
        }


@pytest.mark.e2e
@pytest.mark.usefixtures("pace")
async def test_a_dropped_shard_resumes_its_own_session(emulator: DiscordEmulator, run_bot):
    guilds = [await emulator.add_guild(shard_id, 2) for shard_id in (0, 1)]
    await run_bot(shard_count=2)
    await emulator.wait_connected(shards=2)
    sessions = [emulator.events(shard_id)[0]["d"]["session_id"] for shard_id in (0, 1)]
    await emulator.drop_gateway(shard_id=1)
    assert emulator.live_shards == [(0, 2)]
    user = emulator.make_user("ada")
    sent = await emulator.slash("ask", user=user, channel_id=guilds[1][1], question=DEEMED)  # kept for replay
    await emulator.wait_resumed()
    (followup,) = await emulator.followups(sent)
    assert "734.13" in followup.body["embeds"][-1]["description"]
    assert "734.13" in await ask_in(emulator, guilds[0][1])
    (resume,) = emulator.gateway_ops(6)
    assert resume["d"]["session_id"] == sessions[1]
    assert len(emulator.gateway_ops(2)) == 2  # shard 1 resumed; nobody identified again


@pytest.mark.e2e
@pytest.mark.usefixtures("pace")
async def test_recommended_shard_count_comes_from_gateway_bot(emulator: DiscordEmulator, run_bot):
    emulator.shard_count = 2
    _, channel_id = await emulator.add_guild(1, 2)
    await run_bot()
    await emulator.wait_connected(shards=2)
    assert identified(emulator) == [[0, 2], [1, 2]]
    assert "734.13" in await ask_in(emulator, channel_id)


@pytest.mark.e2e
@pytest.mark.usefixtures("pace")
async def test_shard_ids_run_only_those_shards(emulator: DiscordEmulator, run_bot):
    guild_id, channel_id = await emulator.add_guild(1, 2)
    await run_bot(shard_count=2, shard_ids="1")
    assert identified(emulator) == [[1, 2]]
    assert guild_id in guilds_created(emulator, 1)  # sent to shard 1 though shard 0 never identified
    assert emulator.live_shards == [(1, 2)]
    assert "734.13" in await ask_in(emulator, channel_id)


@pytest.mark.e2e
@pytest.mark.usefixtures("pace")
async def test_shard_ids_without_a_count_stop_start_up(emulator: DiscordEmulator, run_bot):
    with pytest.raises(ConfigError, match="BASIS_SHARD_IDS needs BASIS_SHARD_COUNT"):
        await run_bot(shard_ids="0-1")
    assert not emulator.gateway_ops(2)


@pytest.mark.parametrize(
    ("text", "count", "ids"),
    [
        ("0-3", 4, [0, 1, 2, 3]),
        ("0,2,5-7", 8, [0, 2, 5, 6, 7]),
        (" 3 , 1,0-1,", 4, [0, 1, 3]),
        ("5", 6, [5]),
    ],
)
def test_parse_shard_ids(text: str, count: int, ids: list[int]):
    assert parse_shard_ids(text, count) == ids


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a", "'a' is not a shard id or range"),
        ("1-", "'1-' is not a shard id or range"),
        ("-1", "'-1' is not a shard id or range"),
        ("0-2-3", "'0-2-3' is not a shard id or range"),
        ("3-1", "runs backwards; write 1-3"),
        ("0,4", "shard 4 does not exist with BASIS_SHARD_COUNT=4"),
        ("2-9", "shard 9 does not exist"),
        (" , ", "BASIS_SHARD_IDS is empty"),
    ],
)
def test_parse_shard_ids_refuses_bad_input(text: str, message: str):
    with pytest.raises(ConfigError, match=message):
        parse_shard_ids(text, 4)


def test_shard_plan():
    def plan(**values: object) -> ShardPlan:
        return shard_plan(Settings(_env_file=None, **values))  # type: ignore[call-arg]

    assert plan() == ShardPlan(None, None)
    assert plan(shard_count=4) == ShardPlan(4, None)
    assert plan(shard_count=4, shard_ids="2-3") == ShardPlan(4, [2, 3])
    with pytest.raises(ConfigError, match="needs BASIS_SHARD_COUNT"):
        plan(shard_ids="0")


@pytest.mark.parametrize(
    ("ids", "max_concurrency", "waves"),
    [
        ([0, 1, 2, 3], 2, [[0, 1], [2, 3]]),
        ([0, 1, 2, 3], 1, [[0], [1], [2], [3]]),
        ([4, 5, 6, 7], 2, [[4, 5], [6, 7]]),
        ([7, 6, 5, 2, 0], 4, [[0, 2, 5, 7], [6]]),  # 2 and 6 share key 2
        (list(range(16)), 16, [list(range(16))]),
    ],
)
def test_identify_waves_hold_one_shard_per_rate_limit_key(
    ids: list[int], max_concurrency: int, waves: list[list[int]]
):
    assert identify_waves(ids, max_concurrency) == waves


async def test_the_gate_spaces_identifies_of_one_key_only():
    now = [0.0]
    released: list[tuple[float, int]] = []

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    gate = IdentifyGate(2, interval=5.0, clock=lambda: now[0], sleep=sleep)
    for shard_id in (0, 1, 2, 3, 4):
        await gate.wait(shard_id)
        released.append((now[0], shard_id))
    assert released == [(0.0, 0), (0.0, 1), (5.0, 2), (5.0, 3), (10.0, 4)]


async def test_a_sleep_that_ends_early_does_not_let_an_identify_through_early():
    """asyncio may wake a sleeper up to its clock's resolution early; the gate then sleeps the rest."""
    now = [0.0]
    asked: list[float] = []

    async def early(seconds: float) -> None:
        asked.append(seconds)
        now[0] += seconds - 0.001 if seconds > 0.001 else seconds

    gate = IdentifyGate(1, interval=4.0, clock=lambda: now[0], sleep=early)
    await gate.wait(0)
    await gate.wait(1)
    assert now[0] >= 4.0 and len(asked) == 2


async def test_each_wave_connects_concurrently_and_waves_follow_each_other():
    steps: list[str] = []

    async def launch(shard_id: int, initial: bool) -> None:
        steps.append(f"start {shard_id}{' initial' if initial else ''}")
        await asyncio.sleep(0)
        steps.append(f"done {shard_id}")

    await launch_in_waves(launch, [0, 1, 2, 3], 2)
    assert steps == [
        "start 0 initial",
        "start 1",
        "done 0",
        "done 1",
        "start 2",
        "start 3",
        "done 2",
        "done 3",
    ]


def identify_times(emulator: DiscordEmulator) -> dict[int, float]:
    return {shard_id: at for at, shard_id in emulator.identified_at}


INTERVAL = sharding.IDENTIFY_INTERVAL  # Discord's 5 s per rate-limit key, on the virtual clock


@pytest.mark.e2e
async def test_max_concurrency_two_identifies_four_shards_in_two_groups(
    emulator: DiscordEmulator, run_bot, pace: VirtualTime
):
    emulator.max_concurrency = 2
    _, channel_id = await emulator.add_guild(3, 4)
    await run_bot(shard_count=4)
    await emulator.wait_connected(shards=4)
    assert emulator.live_shards == [(0, 4), (1, 4), (2, 4), (3, 4)]
    # together, not 5 s apart; each key waits its turn: one wait, as the second wave's keys are due together
    assert identify_times(emulator) == {0: 0.0, 1: 0.0, 2: INTERVAL, 3: INTERVAL}
    assert pace.sleeps == [INTERVAL]
    assert [{s for _, s in emulator.identified_at[i : i + 2]} for i in (0, 2)] == [{0, 1}, {2, 3}]
    assert "734.13" in await ask_in(emulator, channel_id)  # the last shard serves its guild


@pytest.mark.e2e
async def test_max_concurrency_one_identifies_one_shard_per_interval(
    emulator: DiscordEmulator, run_bot, pace: VirtualTime
):
    await run_bot(shard_count=3)
    await emulator.wait_connected(shards=3)
    assert [shard_id for _, shard_id in emulator.identified_at] == [0, 1, 2]
    assert identify_times(emulator) == {0: 0.0, 1: INTERVAL, 2: 2 * INTERVAL}


@pytest.mark.e2e
async def test_an_unreadable_session_start_limit_falls_back_to_one_at_a_time(
    emulator: DiscordEmulator, run_bot, pace: VirtualTime, caplog: pytest.LogCaptureFixture
):
    emulator.max_concurrency = 2
    emulator.fail_next("GET", GATEWAY_BOT, status=403)
    await run_bot(shard_count=2)
    await emulator.wait_connected(shards=2)
    # max_concurrency unknown: Discord's slowest pace, one key for every shard
    assert identify_times(emulator) == {0: 0.0, 1: INTERVAL}
    assert any("could not read the session start limit" in r.getMessage() for r in caplog.records)
