"""Which gateway shards this process runs, from `BASIS_SHARD_COUNT` and `BASIS_SHARD_IDS`.

Discord splits a bot's servers over shards by `(guild_id >> 22) % shard_count`. With neither
setting, discord.py asks `GET /gateway/bot` for the recommended count and runs every shard;
`BASIS_SHARD_IDS` lets N processes each run a part of a fixed count.

Discord lets a bot start `max_concurrency` sessions at a time (from `/gateway/bot`'s
`session_start_limit`): shard `s` has the rate-limit key `s % max_concurrency`, and each key
allows one IDENTIFY per 5 seconds. discord.py 2.7 reads that limit but ignores it: its
`AutoShardedClient.launch_shards` connects the shards one after another and its default
`before_identify_hook` sleeps 5 s before every IDENTIFY but the first, so a large bot (whose
`max_concurrency` is 16 or more) starts 16 times slower than Discord allows. `launch_in_waves`
and `IdentifyGate` are what `BasisBot` uses instead.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from itertools import zip_longest

from bot.clock import Monotonic
from bot.errors import ConfigError
from bot.settings import Settings


@dataclass(frozen=True)
class ShardPlan:
    """The `shard_count` and `shard_ids` handed to `AutoShardedBot`; None means "ask Discord" / "all"."""

    count: int | None
    ids: list[int] | None


def parse_shard_ids(text: str, count: int) -> list[int]:
    """`"0,2,5-7"` → `[0, 2, 5, 6, 7]`, each id within `0 … count - 1`, sorted, no repeats."""
    ids: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        low, dash, high = part.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise ConfigError(
                f"BASIS_SHARD_IDS: {part!r} is not a shard id or range; write e.g. 0-3 or 0,2,5-7."
            )
        first, last = int(low), int(high) if dash else int(low)
        if first > last:
            raise ConfigError(f"BASIS_SHARD_IDS: the range {part!r} runs backwards; write {last}-{first}.")
        if last >= count:
            raise ConfigError(
                f"BASIS_SHARD_IDS: shard {last} does not exist with BASIS_SHARD_COUNT={count} "
                f"(shards are 0-{count - 1})."
            )
        ids.update(range(first, last + 1))
    if not ids:
        raise ConfigError("BASIS_SHARD_IDS is empty; write e.g. 0-3, or unset it to run every shard.")
    return sorted(ids)


def shard_plan(settings: Settings) -> ShardPlan:
    """The shards this process runs; shard ids without a count are refused, as they cannot be checked."""
    if settings.shard_ids is None:
        return ShardPlan(settings.shard_count, None)
    if settings.shard_count is None:
        raise ConfigError(
            "BASIS_SHARD_IDS needs BASIS_SHARD_COUNT: every process must agree on the total number of shards."
        )
    return ShardPlan(settings.shard_count, parse_shard_ids(settings.shard_ids, settings.shard_count))


IDENTIFY_INTERVAL = 5.0  # seconds between two IDENTIFYs with the same rate-limit key (Discord's rule)


def identify_waves(shard_ids: Sequence[int], max_concurrency: int) -> list[list[int]]:
    """The shards split into groups holding at most one shard per rate-limit key, in id order.

    With `max_concurrency` 2 and shards 0-3 that is `[[0, 1], [2, 3]]`; with 1, one shard each.
    """
    by_key: dict[int, list[int]] = defaultdict(list)
    for shard_id in sorted(shard_ids):
        by_key[shard_id % max(1, max_concurrency)].append(shard_id)
    return [sorted(s for s in wave if s is not None) for wave in zip_longest(*by_key.values())]


async def launch_in_waves(
    launch: Callable[[int, bool], Awaitable[None]], shard_ids: Sequence[int], max_concurrency: int
) -> None:
    """Connect each wave's shards concurrently, one wave after another.

    `launch(shard_id, initial)` connects one shard and returns once it has identified; the wait
    between waves is `IdentifyGate`'s, called from discord.py's `before_identify_hook`, so the
    same rule also spaces out the IDENTIFYs of shards that reconnect later.
    """
    first = min(shard_ids, default=None)
    for wave in identify_waves(shard_ids, max_concurrency):
        await asyncio.gather(*(launch(shard_id, shard_id == first) for shard_id in wave))


class IdentifyGate:
    """Holds back an IDENTIFY until its rate-limit key has been quiet for `IDENTIFY_INTERVAL` seconds.

    One gate per process: shards of other processes are not seen; with Redis,
    `shared_identify.SharedIdentifyGate` adds the pace across processes. `clock` and `sleep` are
    the real monotonic clock and `asyncio.sleep` unless a test passes a virtual pair.
    """

    def __init__(
        self,
        max_concurrency: int,
        *,
        interval: float | None = None,
        clock: Monotonic = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.max_concurrency = max(1, max_concurrency)
        self.interval = IDENTIFY_INTERVAL if interval is None else interval
        self._clock = clock
        self._sleep = sleep
        self._last: dict[int, float] = {}
        self._locks: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def wait(self, shard_id: int) -> None:
        key = shard_id % self.max_concurrency
        async with self._locks[key]:
            last = self._last.get(key)
            if last is not None:  # a sleep may end a hair early (asyncio rounds to its clock's resolution)
                while (delay := last + self.interval - self._clock()) > 0:
                    await self._sleep(delay)
            self._last[key] = self._clock()

    async def aclose(self) -> None:
        """Nothing to release (the shared gate closes its Redis client)."""
