"""Inside `basis run`: swap in an index that another process published.

Another `basis run`, `basis index build`, `basis kb add` or `basis sync` publishes a new build by
repointing `current`; every BASIS_INDEX_POLL_SECONDS this cog asks the service to compare it with
the build it answers from and, if it changed, to load the new one and swap it in. The check and
the load run in a worker thread, so the event loop keeps answering from the old index meanwhile.
"""

from __future__ import annotations

import asyncio

from discord.ext import commands, tasks

from bot.discord_app.host import BasisHost


class IndexWatch(commands.Cog):
    """Polls for a newly published index; `Answering.refresh_if_published` does the swap and never raises."""

    def __init__(self, bot: BasisHost) -> None:
        self.bot = bot
        self.task = tasks.loop(seconds=bot.settings.index_poll_seconds)(self.check)

    async def cog_load(self) -> None:
        self.task.start()

    async def cog_unload(self) -> None:
        self.task.cancel()

    async def check(self) -> None:
        await asyncio.to_thread(self.bot.answering.refresh_if_published)


async def setup(bot: BasisHost) -> None:
    """Loaded by `BasisBot.setup_hook` as a discord.py extension."""
    await bot.add_cog(IndexWatch(bot))
