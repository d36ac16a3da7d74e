"""A sync report as Discord messages, and the optional daily sync inside `basis run`.

The report is plain text from the APIs (reasons, citations): markdown is escaped and every
message is sent with mentions disabled. The sync itself runs in a worker thread, off the event
loop; the old index answers questions until the sync's build is published.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC
from datetime import time as clock_time

import discord
from discord.ext import commands, tasks

from bot.discord_app.host import BasisHost
from bot.discord_app.replies import NO_MENTIONS
from bot.errors import BasisError

log = logging.getLogger(__name__)
LIMIT = 1900  # below Discord's 2000 characters per message


def report_pages(text: str) -> list[str]:
    """The report cut at line ends into messages under Discord's limit, markdown escaped."""
    pages: list[str] = []
    current = ""
    for line in discord.utils.escape_markdown(text).splitlines():
        line = line[:LIMIT]
        if current and len(current) + len(line) + 1 > LIMIT:
            pages.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    return [*pages, current] if current else pages


class DailySync(commands.Cog):
    """Runs `basis sync` once a day at BASIS_SYNC_HOUR_UTC and posts the report to BASIS_SYNC_CHANNEL_ID."""

    def __init__(self, bot: BasisHost) -> None:
        self.bot = bot
        when = clock_time(hour=bot.settings.sync_hour_utc, tzinfo=UTC)
        self.task = tasks.loop(time=when)(self.run_once)

    async def cog_load(self) -> None:
        self.task.start()

    async def cog_unload(self) -> None:
        self.task.cancel()

    async def run_once(self) -> None:
        """One sync; its report (or why it could not run) goes to the moderator channel."""
        try:
            report = await asyncio.to_thread(self.bot.kb.sync, actor="daily sync")
            text = f"Daily sync:\n{report.text()}"
        except BasisError as exc:
            text = f"Daily sync did not run: {exc}"
        log.info("daily sync: %s", text.splitlines()[0])
        channel_id = self.bot.settings.sync_channel_id
        if channel_id is None:
            return
        channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
        for page in report_pages(text):
            await channel.send(page, allowed_mentions=NO_MENTIONS)  # type: ignore[union-attr]


async def setup(bot: BasisHost) -> None:
    """Loaded by `BasisBot.setup_hook` as a discord.py extension."""
    await bot.add_cog(DailySync(bot))
