"""The real bot (`bot.discord_app.start`, as `basis run` does) connected to the local Discord
emulator, for the benches that drive it through Discord."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.discord_app import start
from bot.settings import Settings, load_settings
from tests.discord_app.emulator import DiscordEmulator


@asynccontextmanager
async def running_bot(**overrides: Any) -> AsyncIterator[tuple[DiscordEmulator, Settings]]:
    """Start the emulator and the bot (settings `overrides` on top of the environment's), wait
    until it is connected, and stop both on the way out."""
    emulator = DiscordEmulator()
    await emulator.start()
    settings = load_settings(
        discord_token=emulator.token,
        discord_api_base=emulator.api_base,
        discord_gateway_url=emulator.gateway_url,
        **overrides,
    )
    started = time.perf_counter()
    bot = asyncio.create_task(start(settings))
    try:
        connected = asyncio.create_task(emulator.wait_connected(timeout=300))
        await asyncio.wait({bot, connected}, return_when=asyncio.FIRST_COMPLETED)
        if bot.done():
            bot.result()
        print(f"bot connected in {time.perf_counter() - started:.1f} s (model and index loaded)")
        yield emulator, settings
    finally:
        bot.cancel()
        await asyncio.gather(bot, return_exceptions=True)
        await emulator.close()
