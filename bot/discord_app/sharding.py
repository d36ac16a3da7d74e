"""Which gateway shards this process runs, from `BASIS_SHARD_COUNT` and `BASIS_SHARD_IDS`.

Discord splits a bot's servers over shards by `(guild_id >> 22) % shard_count`. With neither
setting, discord.py asks `GET /gateway/bot` for the recommended count and runs every shard;
`BASIS_SHARD_IDS` lets N processes each run a part of a fixed count.
"""

from __future__ import annotations

from dataclasses import dataclass

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
