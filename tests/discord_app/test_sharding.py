"""Sharding: `basis run` runs the shards Discord recommends, or the count and ids it is given."""

from __future__ import annotations

import pytest

from bot.discord_app.sharding import ShardPlan, parse_shard_ids, shard_plan
from bot.errors import ConfigError
from bot.settings import Settings
from tests.discord_app.emulator import DiscordEmulator

DEEMED = "What is a deemed export of technology to a foreign person?"
GATEWAY_BOT = "/gateway/bot"
CONNECT_TIMEOUT = 20.0  # discord.py waits 5 s before each IDENTIFY after the first


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
async def test_default_asks_gateway_bot_and_runs_one_shard(emulator: DiscordEmulator, run_bot):
    await run_bot()
    assert [c.status for c in emulator.calls if c.route == GATEWAY_BOT] == [200]
    assert identified(emulator) == [[0, 1]]
    assert "734.13" in await ask_in(emulator, emulator.channel_id)


@pytest.mark.e2e
async def test_two_shards_answer_through_either_session(emulator: DiscordEmulator, run_bot):
    guilds = [await emulator.add_guild(shard_id, 2) for shard_id in (0, 1)]
    await run_bot(shard_count=2)
    await emulator.wait_connected(shards=2, timeout=CONNECT_TIMEOUT)
    assert identified(emulator) == [[0, 2], [1, 2]]
    assert emulator.live_shards == [(0, 2), (1, 2)]
    assert not [c for c in emulator.calls if c.route == GATEWAY_BOT]  # the count was given
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
async def test_a_dropped_shard_resumes_its_own_session(emulator: DiscordEmulator, run_bot):
    guilds = [await emulator.add_guild(shard_id, 2) for shard_id in (0, 1)]
    await run_bot(shard_count=2)
    await emulator.wait_connected(shards=2, timeout=CONNECT_TIMEOUT)
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
async def test_recommended_shard_count_comes_from_gateway_bot(emulator: DiscordEmulator, run_bot):
    emulator.shard_count = 2
    _, channel_id = await emulator.add_guild(1, 2)
    await run_bot()
    await emulator.wait_connected(shards=2, timeout=CONNECT_TIMEOUT)
    assert identified(emulator) == [[0, 2], [1, 2]]
    assert "734.13" in await ask_in(emulator, channel_id)


@pytest.mark.e2e
async def test_shard_ids_run_only_those_shards(emulator: DiscordEmulator, run_bot):
    guild_id, channel_id = await emulator.add_guild(1, 2)
    await run_bot(shard_count=2, shard_ids="1")
    assert identified(emulator) == [[1, 2]]
    assert guild_id in guilds_created(emulator, 1)  # sent to shard 1 though shard 0 never identified
    assert emulator.live_shards == [(1, 2)]
    assert "734.13" in await ask_in(emulator, channel_id)


@pytest.mark.e2e
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
