"""The Discord client: `run(settings)` is what `basis run` calls.

Start-up order: the token is checked by logging in (so a bad token fails in a second), then
`setup_hook` loads the model and index in a worker thread, loads the cogs as extensions (by
module name: this module imports none of them) and syncs the commands (to `BASIS_DEV_GUILD_ID`
when set, else globally), and only then does the gateway connect. The intents asked for follow
`BASIS_DISCORD_MODE` (see `modes`). The bot is discord.py's
`AutoShardedBot`: it runs the shards `BASIS_SHARD_COUNT` and `BASIS_SHARD_IDS` name (see
`sharding`), or every shard `GET /gateway/bot` recommends. `BASIS_DISCORD_API_BASE` and
`BASIS_DISCORD_GATEWAY_URL` point discord.py at a Discord-compatible server instead of
discord.com (without a shard count, the gateway URL comes from that server's `/gateway/bot`).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
import discord
import yarl
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord_app.error_handler import BasisTree, ErrorCounts
from bot.discord_app.feedback import FeedbackStore
from bot.discord_app.host import BasisHost
from bot.discord_app.localization import BasisTranslator
from bot.discord_app.modes import INTENTS, check_mode
from bot.discord_app.rate_limit import make_limiter
from bot.discord_app.replies import NO_MENTIONS
from bot.discord_app.sharding import IdentifyGate, launch_in_waves, shard_plan
from bot.discord_app.shared_identify import Gate, identify_gate
from bot.discord_app.views import PassagesButton, ReasonButton, VoteButton
from bot.errors import ConfigError
from bot.service import Basis, Embedder
from bot.settings import Settings

log = logging.getLogger(__name__)

TOKEN_MISSING = (
    "DISCORD_TOKEN is not set: put the bot token in the environment or in .env "
    "(Developer Portal → your application → Bot → Reset Token)."
)
TOKEN_REJECTED = (
    "Discord rejected DISCORD_TOKEN: copy a fresh token from the Developer Portal "
    "(your application → Bot → Reset Token) into the environment or .env."
)
# Extensions: modules with `async def setup(bot)`, loaded by name in `setup_hook`.
COGS = ("bot.discord_app.cogs.ask", "bot.discord_app.cogs.define", "bot.discord_app.cogs.kb")
DAILY_SYNC = "bot.discord_app.sync_report"
INDEX_WATCH = "bot.discord_app.index_watch"

INTENT_MISSING = (
    "Discord refused the Message Content intent: enable it in the Developer Portal "
    "(your application → Bot → Privileged Gateway Intents → Message Content Intent), "
    "or set BASIS_DISCORD_MODE=mention, which needs no privileged intent."
)


def extensions(settings: Settings) -> list[str]:
    """The extensions to load: every command cog, then the daily sync and the index watch when on."""
    optional = {DAILY_SYNC: settings.sync_daily, INDEX_WATCH: settings.index_poll_seconds > 0}
    return [*COGS, *(name for name, on in optional.items() if on)]


class BasisBot(BasisHost):
    """Owns the service, the feedback store, the per-user question limiter and the error counts;
    cogs reach them through it (as a `BasisHost`)."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # Basis never joins voice
        shards = shard_plan(settings)
        super().__init__(
            shard_count=shards.count,
            shard_ids=shards.ids,
            command_prefix=commands.when_mentioned,
            intents=INTENTS[settings.discord_mode],
            help_command=None,
            allowed_mentions=NO_MENTIONS,
            tree_cls=BasisTree,
        )
        self.settings = settings
        self.limiter = make_limiter(settings)
        self.errors = ErrorCounts()
        self._embedder = embedder
        self.identify_gate: Gate = IdentifyGate(1)  # replaced at launch, once max_concurrency is known

    async def setup_hook(self) -> None:
        log.info("logged in; loading the model and index")
        basis = self._basis = await asyncio.to_thread(Basis.open, self.settings, self._embedder)
        self.answering, self.kb, self.records = basis.answering, basis.kb, basis.records
        await asyncio.to_thread(basis.warm)
        self.feedback = FeedbackStore(await asyncio.to_thread(basis.records.feedback))
        self.add_dynamic_items(PassagesButton, VoteButton, ReasonButton)
        await self.tree.set_translator(BasisTranslator())
        for name in extensions(self.settings):
            await self.load_extension(name)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """To the development guild when configured (instant), else globally."""
        if self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d application commands", len(synced))

    async def launch_shards(self) -> None:
        """discord.py's launch, except that shards start `max_concurrency` at a time (see `sharding`)."""
        if self.is_closed():
            return
        if self.shard_count is None:
            self.shard_count, url, limits = await self.http.get_bot_gateway()
            gateway = yarl.URL(url)
        else:
            gateway = DiscordWebSocket.DEFAULT_GATEWAY
            limits = await self._session_start_limit()
        self._connection.shard_count = self.shard_count
        shard_ids = self.shard_ids or range(self.shard_count)
        self._connection.shard_ids = shard_ids
        self.identify_gate = identify_gate(self.settings, limits.get("max_concurrency", 1))
        if limits.get("remaining", len(shard_ids)) < len(shard_ids):
            log.warning(
                "Discord allows %s more session starts before it resets in %s ms; %d shards to start",
                limits["remaining"],
                limits.get("reset_after"),
                len(shard_ids),
            )

        async def launch(shard_id: int, initial: bool) -> None:
            await self.launch_shard(gateway, shard_id, initial=initial)

        await launch_in_waves(launch, shard_ids, self.identify_gate.max_concurrency)

    async def _session_start_limit(self) -> dict[str, int]:
        """`/gateway/bot`'s session start limit; one shard at a time (discord.py's pace) when unreadable."""
        try:
            _, _, limits = await self.http.get_bot_gateway()
        except discord.DiscordException as exc:
            log.warning("could not read the session start limit (%s); starting one shard at a time", exc)
            return {"max_concurrency": 1}
        return dict(limits)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Discord's per-key pace instead of discord.py's flat 5 s before every IDENTIFY."""
        await self.identify_gate.wait(shard_id or 0)

    async def on_ready(self) -> None:
        log.info(
            "connected as %s to %d servers on shards %s", self.user, len(self.guilds), sorted(self.shards)
        )

    async def on_message(self, message: discord.Message) -> None:
        """Basis has no prefix commands; mentions and threads are handled by the ask cog."""

    async def close(self) -> None:
        await super().close()
        await self.limiter.aclose()
        await self.identify_gate.aclose()
        if hasattr(self, "_basis"):  # set up: send the writes still queued for the shared database
            await asyncio.to_thread(self._basis.close)


@contextmanager
def discord_endpoints(settings: Settings) -> Iterator[None]:
    """Point discord.py at the configured REST base and gateway, restoring them afterwards.

    discord.py reads `Route.BASE` at every request and `DEFAULT_GATEWAY` on every fresh
    connection; after READY it follows the server's `resume_gateway_url`.
    """
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    if settings.discord_api_base:
        Route.BASE = settings.discord_api_base.rstrip("/")
    if settings.discord_gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


async def start(settings: Settings, *, embedder: Embedder | None = None) -> None:
    """Log in, load the service, connect, and serve until the bot is closed or cancelled."""
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        raise ConfigError(TOKEN_MISSING)
    check_mode(settings)
    token = settings.discord_token.get_secret_value()
    with discord_endpoints(settings):
        async with BasisBot(settings, embedder) as bot:
            try:
                await bot.login(token)
            except discord.LoginFailure:
                raise ConfigError(TOKEN_REJECTED) from None
            except aiohttp.ClientConnectionError as exc:
                raise ConfigError(f"Cannot reach Discord at {Route.BASE}: {exc}") from None
            try:
                await bot.connect()
            except discord.PrivilegedIntentsRequired:
                raise ConfigError(INTENT_MISSING) from None


def run(settings: Settings) -> int:
    """Run the bot until interrupted (`basis run`); token and set-up problems raise ConfigError.

    discord.py's own chatter is kept to warnings, so a bad token prints nothing but the error.
    """
    discord.utils.setup_logging(level=logging.INFO)
    logging.getLogger("discord").setLevel(logging.WARNING)
    # `docker stop` and systemd stop with SIGTERM, which would end Python at once; stopped as by
    # Ctrl-C instead, the bot closes and the writes queued for PostgreSQL are sent or spilled.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        asyncio.run(start(settings))
    except KeyboardInterrupt:
        log.info("stopped")
    return 0
